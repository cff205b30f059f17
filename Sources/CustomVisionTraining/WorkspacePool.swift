import Synchronization

/// A small process-wide pool of scratch objects (as ImagePrep's `PrepWorkspace` keeps): a call takes one (or makes
/// one when the pool is empty), uses it alone, and gives it back. So at most one thread touches a workspace at a
/// time — the invariant behind the workspaces' `@unchecked Sendable` — and there are about as many workspaces as
/// threads that used them at once.
final class WorkspacePool<Workspace: AnyObject & Sendable>: Sendable {
    private let idle = Mutex<[Workspace]>([])
    private let make: @Sendable () -> Workspace
    /// At most this many idle workspaces are kept.
    let limit: Int

    init(limit: Int = 32, _ make: @escaping @Sendable () -> Workspace) {
        (self.limit, self.make) = (limit, make)
    }

    /// Runs `body` with a workspace of its own, taken from the pool and returned to it afterwards.
    func with<Result>(_ body: (Workspace) throws -> Result) rethrows -> Result {
        let workspace = idle.withLock { $0.popLast() } ?? make()
        defer { idle.withLock { if $0.count < limit { $0.append(workspace) } } }
        return try body(workspace)
    }
}
