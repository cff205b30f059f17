import CustomVisionDatasets
import Foundation
import Synchronization

/// A dataset read on a thread of its own, its images handed over as they are read (see
/// `DatasetReader.read(at:format:options:parts:)`): `upload` starts sending the first batches while the rest of the
/// annotation files are still being parsed, instead of leaving the service idle until the whole dataset is read.
final class DatasetFeed: Sendable {
    /// The parts of the dataset in reading order; finished when the read ends, successfully or not.
    let parts: AsyncStream<Dataset>
    private let state = Mutex(State())
    private let listener = Mutex<(@Sendable () -> Void)?>(nil)

    private struct State {
        var imagesRead = 0
        var tags: [String] = []
        var outcome: Result<(Dataset, [Finding]), CLIError>?
        var checked: String?
    }

    /// Starts reading `path` (the format detected on the reading thread too, when not given). `check` runs on the
    /// reading thread once the whole dataset is read, while the upload still sends it, instead of after the upload;
    /// ``checked`` gives what it returned.
    /// - Throws: ``CLIError/data(_:)`` when the dataset does not exist; any other read error comes from `outcome()`.
    init(path: String, format: DatasetFormat?, check: (@Sendable (Dataset, [Finding]) -> String?)? = nil) throws {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CLIError.data("dataset \(path) does not exist")
        }
        let (stream, continuation) = AsyncStream<Dataset>.makeStream()
        parts = stream
        let thread = Thread { [self] in
            let outcome: Result<(Dataset, [Finding]), CLIError>
            do {
                // Sizes an annotation states are checked by the upload, against the bytes it reads anyway, rather
                // than by opening every image here for its header as well.
                let options = DatasetReader.Options(checkStatedSizes: false)
                let read = try DatasetReader.read(at: url, format: format, options: options) { part in
                    self.state.withLock { state in
                        state.imagesRead += part.images.count
                        state.tags += part.tags
                    }
                    continuation.yield(part)
                    self.listener.withLock { $0 }?()
                }
                outcome = .success(read)
            } catch {
                outcome = .failure(CLIError.data("cannot read dataset \(path): \(DatasetLoading.describe(error))"))
            }
            // Before the stream finishes, so the result is there once the upload has taken every part.
            let checked = (try? outcome.get()).flatMap { read in check?(read.0, read.1) }
            self.state.withLock { state in
                state.outcome = outcome
                state.checked = checked
            }
            continuation.finish()
        }
        thread.name = "cvctl-dataset-read"
        thread.start()
    }

    /// Calls `body` (on the reading thread) after each part read from now on.
    func onPart(_ body: @escaping @Sendable () -> Void) {
        listener.withLock { $0 = body }
    }

    /// Images read so far (all of them once the read has ended).
    var imagesRead: Int { state.withLock(\.imagesRead) }

    /// Whether the read has ended (``imagesRead`` is then the dataset's size).
    var readEnded: Bool { state.withLock { $0.outcome != nil } }

    /// Tag names read so far, in dataset order.
    var tagsRead: [String] { state.withLock(\.tags) }

    /// Waits for the read to end (taking the parts no one else will now take) and throws when it failed: a caller
    /// that met another error first reports a dataset that cannot be read ahead of it, as reading first would.
    /// - Throws: ``CLIError/data(_:)`` when the read failed.
    func checkReadable() async throws {
        for await _ in parts {}
        _ = try outcome()
    }

    /// What `check` returned for the whole dataset (nil before the read has ended, when it failed, or when there
    /// is nothing to say).
    var checked: String? { state.withLock(\.checked) }

    /// The whole dataset and the findings, once `parts` has finished.
    /// - Throws: ``CLIError/data(_:)`` when the read failed.
    func outcome() throws -> (Dataset, [Finding]) {
        guard let outcome = state.withLock(\.outcome) else {
            throw CLIError.failed("the dataset read has not ended")
        }
        return try outcome.get()
    }
}
