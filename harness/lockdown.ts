// What every lab container must look like from the outside (`docker inspect`):
// a read-only root file system, no Linux capability, no way to gain privileges,
// limits on memory and processes, an unprivileged user, an init as PID 1.
// Pure, so the rule is tested without Docker; the end-to-end tests apply it to
// the containers they start.

/** The parts of `docker inspect`'s answer the rule reads. */
export interface Inspected {
  Name: string
  Config: { User: string }
  HostConfig: {
    ReadonlyRootfs: boolean
    CapDrop: string[] | null
    CapAdd: string[] | null
    SecurityOpt: string[] | null
    Memory: number
    PidsLimit: number | null
    Init: boolean | null
    Privileged: boolean
  }
}

/** Pure: what is wrong with one container's confinement (nothing: an empty list). */
export function lockdownProblems(container: Inspected): string[] {
  const host = container.HostConfig
  const problems: string[] = []
  if (!host.ReadonlyRootfs) problems.push("root file system is writable")
  if (!(host.CapDrop ?? []).some(cap => cap.toUpperCase() === "ALL")) problems.push("capabilities are not all dropped")
  if ((host.CapAdd ?? []).length > 0) problems.push(`capabilities added: ${(host.CapAdd ?? []).join(",")}`)
  if (!(host.SecurityOpt ?? []).some(opt => /^no-new-privileges(:true|=true)?$/.test(opt))) problems.push("no-new-privileges is not set")
  if (!(host.Memory > 0)) problems.push("no memory limit")
  if (!((host.PidsLimit ?? 0) > 0)) problems.push("no pids limit")
  if (host.Init !== true) problems.push("no init process")
  if (host.Privileged) problems.push("privileged")
  const user = container.Config.User.split(":")[0] ?? ""
  if (user === "" || user === "root" || user === "0") problems.push("runs as root")
  return problems
}
