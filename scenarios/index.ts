// The scenario catalogue, grouped by pattern, in the order `make scenarios` runs it.
// A scenario is named after its group and its file: scenarios/pubsub/reconnect.ts is pubsub-reconnect.
import pubsubReconnect from "./pubsub/reconnect.js"
import pubsubLateJoiner from "./pubsub/late-joiner.js"
import pubsubFirstMessages from "./pubsub/first-messages.js"
import pubsubSubscriberDown from "./pubsub/subscriber-down.js"
import pubsubNoSubscriber from "./pubsub/no-subscriber.js"
import pubsubSlowSubscriber from "./pubsub/slow-subscriber.js"
import pubsubSuicidalSnail from "./pubsub/suicidal-snail.js"
import pubsubTwoPublishers from "./pubsub/two-publishers.js"
import pubsubTopicFilter from "./pubsub/topic-filter.js"
import pubsubPausedPublisher from "./pubsub/paused-publisher.js"
import pubsubConnectTimeout from "./pubsub/connect-timeout.js"
import pipelineLoadBalance from "./pipeline/load-balance.js"
import pipelineNoWorkerYet from "./pipeline/no-worker-yet.js"
import pipelineWorkerKilled from "./pipeline/worker-killed.js"
import pipelineKillMidTask from "./pipeline/kill-mid-task.js"
import pipelineWorkerRestart from "./pipeline/worker-restart.js"
import pipelineFairQueue from "./pipeline/fair-queue.js"
import reqrepLockstep from "./reqrep/lockstep.js"
import reqrepServerKilled from "./reqrep/server-killed.js"
import reqrepThreeClients from "./reqrep/three-clients.js"
import reqrepRelaxed from "./reqrep/relaxed.js"
import routerDealerAsync from "./router-dealer/async.js"
import routerDealerRouting from "./router-dealer/routing.js"
import routerDealerWorkerKilled from "./router-dealer/worker-killed.js"
import routerDealerMandatory from "./router-dealer/mandatory.js"
import routerDealerHandover from "./router-dealer/handover.js"
import networkPartition from "./network/partition.js"
import networkNewIp from "./network/new-ip.js"
import networkWholeMessages from "./network/whole-messages.js"
import networkLossTcp from "./network/loss-tcp.js"
import networkLossUdp from "./network/loss-udp.js"
import networkHalfOpen from "./network/half-open.js"
import networkTcpMaxrt from "./network/tcp-maxrt.js"
import networkReset from "./network/reset.js"
import networkBandwidthHwm from "./network/bandwidth-hwm.js"
import networkDelay from "./network/delay.js"
import networkDuplicate from "./network/duplicate.js"
import bookWatcherReconnect from "./book/watcher-reconnect.js"
import bookFilerErrors from "./book/filer-errors.js"
import bookFilerLockstep from "./book/filer-lockstep.js"
import bookClusterRespawn from "./book/cluster-respawn.js"
import bookPushFirstJoiner from "./book/push-first-joiner.js"
import curveUnknownClient from "./curve/unknown-client.js"
import curveWrongServerKey from "./curve/wrong-server-key.js"
import curvePlainClient from "./curve/plain-client.js"
import curveAllowLive from "./curve/allow-live.js"
import swarmNodeDown from "./swarm/node-down.js"
import swarmNodePartition from "./swarm/node-partition.js"
import swarmScaleWorkers from "./swarm/scale-workers.js"
import type { Scenario } from "./runner/dsl.js"

export const catalogue = [
  pubsubReconnect,
  pubsubLateJoiner,
  pubsubFirstMessages,
  pubsubSubscriberDown,
  pubsubNoSubscriber,
  pubsubSlowSubscriber,
  pubsubSuicidalSnail,
  pubsubTwoPublishers,
  pubsubTopicFilter,
  pubsubPausedPublisher,
  pubsubConnectTimeout,
  pipelineLoadBalance,
  pipelineNoWorkerYet,
  pipelineWorkerKilled,
  pipelineKillMidTask,
  pipelineWorkerRestart,
  pipelineFairQueue,
  reqrepLockstep,
  reqrepServerKilled,
  reqrepThreeClients,
  reqrepRelaxed,
  routerDealerAsync,
  routerDealerRouting,
  routerDealerWorkerKilled,
  routerDealerMandatory,
  routerDealerHandover,
  networkPartition,
  networkNewIp,
  networkWholeMessages,
  networkLossTcp,
  networkLossUdp,
  networkHalfOpen,
  networkTcpMaxrt,
  networkReset,
  networkBandwidthHwm,
  networkDelay,
  networkDuplicate,
  bookWatcherReconnect,
  bookFilerErrors,
  bookFilerLockstep,
  bookClusterRespawn,
  bookPushFirstJoiner,
  curveUnknownClient,
  curveWrongServerKey,
  curvePlainClient,
  curveAllowLive,
  swarmNodeDown,
  swarmNodePartition,
  swarmScaleWorkers,
] as unknown as Scenario[]
