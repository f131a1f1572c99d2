// The scenario catalogue, in the order `make scenarios` runs it.
import ppFairQueue from "./pp-fair-queue.js"
import ppLoadBalance from "./pp-load-balance.js"
import ppNoWorkerYet from "./pp-no-worker-yet.js"
import ppWorkerKilled from "./pp-worker-killed.js"
import ppWorkerRestart from "./pp-worker-restart.js"
import type { Scenario } from "./runner/dsl.js"
import psLateJoiner from "./ps-late-joiner.js"
import psNoSubscriber from "./ps-no-subscriber.js"
import psPausedPublisher from "./ps-paused-publisher.js"
import psReconnect from "./ps-reconnect.js"
import psSlowSubscriber from "./ps-slow-subscriber.js"
import psSubscriberDown from "./ps-subscriber-down.js"
import psTopicFilter from "./ps-topic-filter.js"
import psTwoPublishers from "./ps-two-publishers.js"

export const catalogue = [psReconnect, psLateJoiner, psSubscriberDown, psNoSubscriber, psSlowSubscriber, psTwoPublishers, psTopicFilter, psPausedPublisher, ppLoadBalance, ppNoWorkerYet, ppWorkerKilled, ppWorkerRestart, ppFairQueue] as unknown as Scenario[]
