import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive claim on a data directory, so that two cvserver processes never share one: both would append to
/// the same pack files and commit over each other's metadata. It is an `flock` on `DATA_DIR/lock`, which holds the
/// owner's process id for the error the second one gives. The claim is the process's: within one process it is
/// shared, so servers started and stopped in turn on one directory (tests, an embedding app) take it again without
/// waiting, and it is released when its last holder goes (or the process ends, whatever way it ends).
public final class DataDirectoryLock: Sendable {
    /// The claims of this process, by the directory's real path: the lock file's descriptor, whether it is locked,
    /// and the holders.
    private static let held = Mutex<[String: (descriptor: Int32, locked: Bool, holders: Int)]>([:])
    private let key: String
    /// False when the directory's file system has no locks (some network file systems): the server runs, but
    /// nothing keeps a second one out.
    public let isExclusive: Bool

    /// Claims `directory`, creating it when missing.
    /// - Throws: an error naming the directory when it cannot be created, or when another process holds it (with
    ///   that process's id when it wrote one).
    public init(directory: URL) throws {
        let path = directory.path
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create the data directory \(path): \(Self.reason(error))")
        }
        guard let real = realpath(path, nil) else {
            throw StoreError("cannot open the data directory \(path): \(String(cString: strerror(errno)))")
        }
        let key = String(cString: real)
        free(real)
        self.key = key
        isExclusive = try Self.held.withLock { held in
            if let claim = held[key] {
                held[key] = (claim.descriptor, claim.locked, claim.holders + 1)
                return claim.locked
            }
            let (descriptor, locked) = try Self.claim(directory: path, file: key + "/lock")
            held[key] = (descriptor, locked, 1)
            return locked
        }
    }

    deinit {
        Self.held.withLock { held in
            guard let claim = held[key] else { return }
            if claim.holders > 1 {
                held[key] = (claim.descriptor, claim.locked, claim.holders - 1)
            } else {
                close(claim.descriptor)
                held[key] = nil
            }
        }
    }

    /// Opens and locks `file`, and writes this process's id into it; whether it could be locked at all.
    private static func claim(directory: String, file: String) throws -> (Int32, Bool) {
        let descriptor = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError("cannot open \(file): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            // A file system without locks: run unguarded rather than not at all (the store reports it).
            if [ENOLCK, EOPNOTSUPP, ENOSYS].contains(failure) { return (descriptor, false) }
            close(descriptor)
            guard failure == EWOULDBLOCK else {
                throw StoreError("cannot lock \(file): \(String(cString: strerror(failure)))")
            }
            let owner = (try? String(contentsOfFile: file, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let who = owner.flatMap(Int32.init).map { "another cvserver (process \($0))" } ?? "another cvserver"
            throw StoreError("\(who) is using the data directory \(directory); stop it, or give this one another "
                + "--data-dir")
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return (descriptor, true)
    }

    /// The system's words for why a file operation failed.
    private static func reason(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        }
        return (error as NSError).localizedDescription
    }
}
