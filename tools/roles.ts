// The image's default command: lists the programs it holds. Compose runs one
// of them per service with `command: ["node", "dist/services/<pattern>/<role>.js"]`.
const roles = [
  "services/pubsub/publisher.js      pubsub-publisher",
  "services/pubsub/subscriber.js     pubsub-subscriber, pubsub-late-subscriber",
  "services/pipeline/ventilator.js   pipeline-ventilator",
  "services/pipeline/worker.js       pipeline-worker-1, pipeline-worker-2",
  "services/pipeline/sink.js         pipeline-sink",
  "services/reqrep/server.js         reqrep-server",
  "services/reqrep/client.js         reqrep-client",
  "services/router-dealer/broker.js  router-dealer-broker",
  "services/router-dealer/worker.js  router-dealer-worker-1, router-dealer-worker-2",
  "services/router-dealer/client.js  router-dealer-client",
]
process.stdout.write(`zmq-lab image. Run one program with: node dist/<program>\n\n${roles.map(r => `  dist/${r}`).join("\n")}\n`)
