import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

/// `DatasetReader.read(at:format:options:parts:)`: the images handed over as they are read add up to the dataset.
struct ReadPartsTests {
    /// A VOC folder of `count` annotations (file `i` names tag `t<i / 100>`), all pointing at copies of one image.
    static func vocFolder(_ count: Int) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for i in 0..<count {
            let name = String(format: "img_%04d", i)
            try folder.copyImage("neu-det-mini/train/IMAGES/inclusion_1.jpg", to: "IMAGES/\(name).jpg")
            try folder.write("""
                <annotation><filename>\(name).jpg</filename><size><width>200</width><height>200</height></size>
                <object><name>t\(i / 100)</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>50</xmax><ymax>90</ymax>
                </bndbox></object></annotation>
                """, to: "ANNOTATIONS/\(name).xml")
        }
        return folder
    }

    static func read(_ url: URL, format: DatasetFormat? = nil) throws -> (Dataset, [Finding], [Dataset]) {
        var parts: [Dataset] = []
        let (dataset, findings) = try DatasetReader.read(at: url, format: format, parts: { parts.append($0) })
        return (dataset, findings, parts)
    }

    @Test func vocIsHandedOverAPartAtATimeAndThePartsAddUpToTheDataset() throws {
        let folder = try Self.vocFolder(600)
        let (dataset, findings, parts) = try Self.read(folder.url)
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.images.count == 600)
        #expect(parts.map(\.images.count) == [16, 48, 256, 256, 24])
        #expect(parts.flatMap(\.images) == dataset.images)
        #expect(parts.flatMap(\.tags) == dataset.allTags)
        #expect(parts.map(\.tags) == [["t0"], [], ["t1", "t2", "t3"], ["t4", "t5"], []])
        #expect(parts.allSatisfy { $0.root == dataset.root })
        // The read without parts gives the same dataset.
        let (whole, _) = try DatasetReader.read(at: folder.url)
        #expect(whole == dataset)
    }

    @Test func otherFormatsComeInOnePart() throws {
        let (dataset, _, parts) = try Self.read(DatasetFixtures.url("coco/annotations/instances.json"), format: .coco)
        #expect(!dataset.images.isEmpty)
        #expect(parts.count == 1)
        #expect(parts.first?.images == dataset.images)
        #expect(parts.first?.tags == dataset.allTags)
    }
}
