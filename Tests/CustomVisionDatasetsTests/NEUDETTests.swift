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

    /// One read shared by the tests that only inspect the result.
    static let shared: Result<(Dataset, [Finding]), any Error>? = FixturePaths.neuDET.map { root in
        Result { try DatasetReader.read(at: root) }
    }

    // How fast it reads belongs in a benchmark (`cvctl dataset verify` on NEU-DET), not in a timed test.
    @Test func readsAllImagesAndBoxes() throws {
        let root = try #require(FixturePaths.neuDET)
        let (dataset, findings) = try DatasetReader.read(at: root)
        #expect(dataset.images.count == 1800)
        #expect(dataset.regionCount == 4189)
        #expect(dataset.regionCountsByTag == Self.counts)
        #expect(findings.isEmpty, "\(findings.prefix(5))")
        #expect(dataset.images.allSatisfy { $0.width == 200 && $0.height == 200 })
    }

    @Test func detectsVOC() throws {
        #expect(try DatasetFormat.detect(at: try #require(FixturePaths.neuDET)) == .voc)
    }

    @Test func matchesTheXMLsWhoseFilenameLacksAnExtension() throws {
        let root = try #require(FixturePaths.neuDET)
        let (dataset, _) = try #require(Self.shared).get()
        var quirky = 0
        for image in dataset.images {
            let xml = try String(contentsOf: root.appendingPathComponent(image.source.file), encoding: .utf8)
            guard !xml.contains(".jpg</filename>") else { continue }
            quirky += 1
            #expect(FileManager.default.fileExists(atPath: image.path.path))
            #expect(
                image.path.deletingPathExtension().lastPathComponent
                    == URL(fileURLWithPath: image.source.file).deletingPathExtension().lastPathComponent)
        }
        #expect(quirky == 174)
    }

    @Test func verifyFindsOnlyTheByteIdenticalPatchesPair() throws {
        let (dataset, findings) = try #require(Self.shared).get()
        let start = ContinuousClock.now
        let report = DatasetVerifier.verify(dataset, projectType: .detection, readFindings: findings)
        print("NEU-DET verified in \(ContinuousClock.now - start)")
        let duplicates = report.findings.filter { $0.code == "duplicateImage" }
        #expect(duplicates.count == 1)
        let duplicate = try #require(duplicates.first)
        #expect(duplicate.message.contains("patches_101.jpg, patches_105.jpg"))
        #expect(duplicate.message.contains("differing labels"))
        #expect(duplicate.severity == .warning)
        #expect(report.findings.count == 1, "\(report.findings.prefix(5))")
        #expect(!report.hasErrors)
        #expect(report.summary.regionCount == 4189)
        #expect(Dictionary(uniqueKeysWithValues: report.summary.tags.map { ($0.tag, $0.regions) }) == Self.counts)
    }
}
