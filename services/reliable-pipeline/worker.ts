// Reliable pipeline, a worker: the plain pipeline's worker, unchanged, wired to
// the reliable ventilator and sink (docker-compose.yml). It holds no state worth
// keeping: a task it loses is sent again by the ventilator.
import "../pipeline/worker.js"
