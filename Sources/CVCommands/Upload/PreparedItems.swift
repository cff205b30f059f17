import CustomVisionCore
import CustomVisionDatasets
import Foundation

/// The dataset's images as upload elements, prepared a chunk at a time on every core, in dataset order.
///
/// At most `chunkSize` prepared images are held at once, so memory stays bounded whatever the dataset's size.
struct PreparedItems: Sequence {
    let images: [DatasetImage]
    let preparation: ItemPreparation
    let chunkSize: Int

    init(images: [DatasetImage], preparation: ItemPreparation,
         chunkSize: Int = Swift.max(4, ProcessInfo.processInfo.activeProcessorCount * 4)) {
        self.images = images
        self.preparation = preparation
        self.chunkSize = chunkSize
    }

    func makeIterator() -> Iterator { Iterator(sequence: self) }

    struct Iterator: IteratorProtocol {
        let sequence: PreparedItems
        var position = 0
        var buffer: [UploadElement] = []
        var bufferIndex = 0

        init(sequence: PreparedItems) { self.sequence = sequence }

        mutating func next() -> UploadElement? {
            if bufferIndex == buffer.count {
                guard position < sequence.images.count else { return nil }
                let range = position..<Swift.min(sequence.images.count, position + sequence.chunkSize)
                buffer = Self.prepare(Array(sequence.images[range]), with: sequence.preparation)
                bufferIndex = 0
                position = range.upperBound
            }
            defer { bufferIndex += 1 }
            return buffer[bufferIndex]
        }

        private static func prepare(_ images: [DatasetImage], with preparation: ItemPreparation) -> [UploadElement] {
            images.concurrentMap { preparation.item(for: $0) }
        }
    }
}
