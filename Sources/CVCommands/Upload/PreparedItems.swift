import CustomVisionCore
import CustomVisionDatasets
import Foundation

/// The dataset's images as upload elements, prepared a chunk at a time on every core, in dataset order, as the parts
/// of the dataset arrive (all at once, or as a `DatasetFeed` reads them).
///
/// At most `chunkSize` prepared images are held at once, so memory stays bounded whatever the dataset's size.
struct PreparedItems: AsyncSequence {
    typealias Element = UploadElement

    let parts: AsyncStream<Dataset>
    let preparation: ItemPreparation
    let chunkSize: Int

    /// The images of `parts`, each prepared with `preparation` and named relative to its part's root.
    init(parts: AsyncStream<Dataset>, preparation: ItemPreparation, chunkSize: Int = defaultChunkSize) {
        self.parts = parts
        self.preparation = preparation
        self.chunkSize = chunkSize
    }

    /// The images of `dataset`, read already.
    init(dataset: Dataset, preparation: ItemPreparation, chunkSize: Int = defaultChunkSize) {
        let (parts, continuation) = AsyncStream<Dataset>.makeStream()
        continuation.yield(dataset)
        continuation.finish()
        self.init(parts: parts, preparation: preparation, chunkSize: chunkSize)
    }

    static var defaultChunkSize: Int { Swift.max(4, ProcessInfo.processInfo.activeProcessorCount * 4) }

    func makeAsyncIterator() -> Iterator { Iterator(sequence: self) }

    struct Iterator: AsyncIteratorProtocol {
        let sequence: PreparedItems
        var parts: AsyncStream<Dataset>.Iterator
        /// The part being prepared, and how far.
        var part: Dataset?
        var position = 0
        var buffer: [UploadElement] = []
        var bufferIndex = 0

        init(sequence: PreparedItems) {
            self.sequence = sequence
            parts = sequence.parts.makeAsyncIterator()
        }

        mutating func next() async -> UploadElement? {
            while bufferIndex == buffer.count {
                if let current = part, position < current.images.count {
                    let range = position..<Swift.min(current.images.count, position + sequence.chunkSize)
                    buffer = Self.prepare(Array(current.images[range]), root: current.root, with: sequence.preparation)
                    bufferIndex = 0
                    position = range.upperBound
                } else {
                    guard let nextPart = await parts.next() else { return nil }
                    part = nextPart
                    position = 0
                }
            }
            defer { bufferIndex += 1 }
            return buffer[bufferIndex]
        }

        private static func prepare(_ images: [DatasetImage], root: URL, with preparation: ItemPreparation)
            -> [UploadElement]
        {
            let namer = DatasetLoading.EntryNamer(root: root)
            return images.concurrentMap { preparation.item(for: $0, namer: namer) }
        }
    }
}
