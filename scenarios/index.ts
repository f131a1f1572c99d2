// The scenario catalogue, in the order `make scenarios` runs it.
import type { Scenario } from "./runner/dsl.js"
import psLateJoiner from "./ps-late-joiner.js"
import psNoSubscriber from "./ps-no-subscriber.js"
import psPausedPublisher from "./ps-paused-publisher.js"
import psReconnect from "./ps-reconnect.js"
import psSlowSubscriber from "./ps-slow-subscriber.js"
import psSubscriberDown from "./ps-subscriber-down.js"
import psTopicFilter from "./ps-topic-filter.js"
import psTwoPublishers from "./ps-two-publishers.js"

export const catalogue = [psReconnect, psLateJoiner, psSubscriberDown, psNoSubscriber, psSlowSubscriber, psTwoPublishers, psTopicFilter, psPausedPublisher] as unknown as Scenario[]
