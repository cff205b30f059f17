import CCurl
import Foundation

private let curlGlobalInit: Void = { _ = cv_curl_global_init(Int(CURL_GLOBAL_ALL)) }()

/// The thread that drives one curl multi handle.
///
/// Only this thread touches the multi handle and the easy handles (curl handles are not thread-safe);
/// other threads only enqueue transfers and call `curl_multi_wakeup`, which curl allows from any thread.
final class CurlEventLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let queue = Locked(Queue())
    private var idleHandles: [UnsafeMutableRawPointer] = []  // loop thread only

    private struct Queue {
        var incoming: [CurlTransfer] = []
        var stopping = false
    }

    /// The loop's thread: a joinable pthread, so `shutdown()` can wait until it has really ended.
    private let thread = Locked<pthread_t?>(nil)
    /// The thread's name, unique in the process ("curl-" and a number; names are at most 15 bytes).
    let threadName: String
    /// Set by the thread once its loop has returned: after `shutdown()`, always true.
    private let ended = Locked(false)
    var hasEnded: Bool { ended.withLock { $0 } }
    private static let counter = Locked(0)

    init(maxConnectionsPerHost: Int) {
        _ = curlGlobalInit
        guard let multi = cv_curl_multi_init() else {
            if let reason = cv_curl_load_error() { fatalError("cannot load libcurl: \(String(cString: reason))") }
            fatalError("curl_multi_init failed: out of memory")
        }
        self.multi = multi
        _ = cv_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, maxConnectionsPerHost))
        threadName = "curl-" + String(Self.counter.withLock { n -> Int in
            n += 1
            return n
        } % 1_000_000_000)
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { context in
            let loop = Unmanaged<CurlEventLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            loop.ended.withLock { $0 = true }
            return nil
        }, context)
        guard rc == 0 else { fatalError("pthread_create failed: \(rc)") }
        thread.withLock { $0 = handle }
    }

    func submit(_ transfer: CurlTransfer) {
        queue.withLock { $0.incoming.append(transfer) }
        wakeUp()
    }

    func wakeUp() { _ = cv_curl_multi_wakeup(multi) }

    /// Stops the loop (aborting what is still in flight) and waits until its thread has ended — thread-exit
    /// handlers included. A thread still ending while the process exits races OpenSSL's exit-time cleanup (its
    /// thread-local state is freed twice: "double free or corruption", seen under load); joined here, the thread
    /// is either gone before exit or still parked in its poll, which exit simply ends.
    func shutdown() {
        queue.withLock { $0.stopping = true }
        wakeUp()
        guard let handle = thread.withLock({ current -> pthread_t? in
            defer { current = nil }
            return current
        }) else { return }
        if pthread_equal(handle, pthread_self()) != 0 {
            pthread_detach(handle)  // shut down from its own thread: nothing to wait for
        } else {
            pthread_join(handle, nil)
        }
    }

    private func run() {
        Thread.current.name = threadName
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        while true {
            let (incoming, stopping) = queue.withLock { q -> ([CurlTransfer], Bool) in
                defer { q.incoming.removeAll() }
                return (q.incoming, q.stopping)
            }
            for transfer in incoming {
                guard !transfer.isCancelled else {
                    transfer.finish(.failure(CancellationError()))
                    continue
                }
                let easy = idleHandles.popLast() ?? cv_curl_easy_init()
                guard let easy else {
                    transfer.finish(.failure(CurlError(CURLE_OUT_OF_MEMORY)))
                    continue
                }
                do {
                    try transfer.configure(easy)
                    cv_curl_multi_add_handle(multi, easy)
                    active[easy] = transfer
                } catch {
                    transfer.finish(.failure(error))
                    recycle(easy)
                }
            }
            for (easy, transfer) in active where transfer.isCancelled || stopping {
                active[easy] = nil
                finish(transfer, easy, CURLE_ABORTED_BY_CALLBACK)
            }
            if stopping { break }

            var running: Int32 = 0
            cv_curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = cv_curl_multi_info_read(multi, &queued) {
                guard cv_msg_is_done(message) != 0, let easy = message.pointee.easy_handle else { continue }
                let code = cv_msg_result(message)
                guard let transfer = active.removeValue(forKey: easy) else { continue }
                finish(transfer, easy, code)
            }
            cv_curl_multi_poll(multi, nil, 0, active.isEmpty ? 60_000 : 1_000, nil)
        }
        for easy in idleHandles { cv_curl_easy_cleanup(easy) }
        idleHandles.removeAll()
        cv_curl_multi_cleanup(multi)
    }

    /// Detaches a transfer's handle and completes it. The transfer (which owns the header list and MIME data the
    /// handle points at) outlives the handle's reset, as curl requires.
    private func finish(_ transfer: CurlTransfer, _ easy: UnsafeMutableRawPointer, _ code: CURLcode) {
        withExtendedLifetime(transfer) {
            cv_curl_multi_remove_handle(multi, easy)
            transfer.complete(code: code)
            recycle(easy)
        }
    }

    /// Keeps a few easy handles for reuse: a reset handle keeps its caches, and the connections live in the
    /// multi handle's pool either way.
    private func recycle(_ easy: UnsafeMutableRawPointer) {
        cv_curl_easy_reset(easy)
        if idleHandles.count < 8 {
            idleHandles.append(easy)
        } else {
            cv_curl_easy_cleanup(easy)
        }
    }
}
