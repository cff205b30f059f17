import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

/// The full NEU-DET dataset in ../shared (skipped when absent).
@Suite(.enabled(if: FixturePaths.neuDET != nil))
struct NEUDETTests {
    static let counts = [
        "crazing": 689, "inclusion": 1011, "patches": 881, "pitted_surface": 432, "rolled-in_scale": 628,
        "scratches": 548,
    ]

    @Test func readsAllImagesAndBoxesFast() throws {
        let root = try #require(FixturePaths.neuDET)
        let start = ContinuousClock.now
        let (dataset, findings) = try DatasetReader.read(at: root)
        let elapsed = ContinuousClock.now - start
        #expect(dataset.images.count == 1800)
        #expect(dataset.regionCount == 4189)
        #expect(dataset.regionCountsByTag == Self.counts)
        #expect(findings.isEmpty, "\(findings.prefix(5))")
        #expect(dataset.images.allSatisfy { $0.width == 200 && $0.height == 200 })
        #expect(elapsed < .seconds(5), "read took \(elapsed)")
        print("NEU-DET read in \(elapsed)")
    }

    @Test func detectsVOC() throws {
        #expect(try DatasetFormat.detect(at: try #require(FixturePaths.neuDET)) == .voc)
    }

    @Test func matchesTheXMLsWhoseFilenameLacksAnExtension() throws {
        let root = try #require(FixturePaths.neuDET)
        let (dataset, _) = try DatasetReader.read(at: root)
        var quirky = 0
        for image in dataset.images {
            let xml = try String(contentsOf: root.appendingPathComponent(image.source.file), encoding: .utf8)
            guard !xml.contains(".jpg</filename>") else { continue }
            quirky += 1
            #expect(FileManager.default.fileExists(atPath: image.path.path))
            #expect(image.path.deletingPathExtension().lastPathComponent
                == URL(fileURLWithPath: image.source.file).deletingPathExtension().lastPathComponent)
        }
        #expect(quirky == 174)
    }
}
