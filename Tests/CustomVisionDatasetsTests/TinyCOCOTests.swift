import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

/// The real COCO 2017 subset in ../shared (skipped when absent).
@Suite(.enabled(if: FixturePaths.tinyCOCO != nil))
struct TinyCOCOTests {
    @Test(arguments: [("train2017", 470), ("val2017", 382)])
    func readsEachSplit(split: String, annotations: Int) throws {
        let root = try #require(FixturePaths.tinyCOCO)
        let file = root.appendingPathComponent("annotations/instances_\(split).json")
        #expect(try DatasetFormat.detect(at: file) == .coco)
        let (dataset, findings) = try DatasetReader.read(at: file)
        #expect(findings.isEmpty, "\(findings.prefix(3))")
        #expect(dataset.images.count == 50)
        #expect(dataset.regionCount == annotations)
        #expect(dataset.tags.count == 80)
        #expect(dataset.images.allSatisfy { $0.path.path.contains("/\(split)/") })
        #expect(dataset.images.allSatisfy { $0.split == (split.hasPrefix("train") ? "train" : "val") })
        #expect(dataset.images.allSatisfy { FileManager.default.fileExists(atPath: $0.path.path) })
        #expect(dataset.images.allSatisfy { $0.regions.allSatisfy { $0.box.isInsideImage(tolerance: 1e-6) } })
    }

    @Test func readsTheWholeFolderAsOneDataset() throws {
        let (dataset, _) = try DatasetReader.read(at: try #require(FixturePaths.tinyCOCO))
        #expect(dataset.images.count == 100)
        #expect(dataset.regionCount == 852)
        #expect(dataset.tags.count == 80)
    }

    @Test func survivesAPixelCOCORoundTrip() throws {
        let root = try #require(FixturePaths.tinyCOCO)
        let (dataset, _) = try DatasetReader.read(at: root.appendingPathComponent("annotations/instances_val2017.json"))
        let folder = try TemporaryFolder()
        try DatasetWriter.write(dataset, format: .coco, to: folder.url, options: .init(images: .none))
        let (copy, _) = try DatasetReader.read(
            at: folder.url.appendingPathComponent("annotations.json"), options: .init(readImageHeaders: false))
        #expect(copy.regionCount == dataset.regionCount)
        for (a, b) in zip(dataset.images.flatMap(\.regions), copy.images.flatMap(\.regions)) {
            #expect(a.tag == b.tag && a.isCrowd == b.isCrowd)
            expectBox(b.box, a.box.left, a.box.top, a.box.width, a.box.height, tolerance: 1e-6)
        }
    }
}
