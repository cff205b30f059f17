import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Write, read back, compare: boxes must survive to 1e-6 of the normalized box.
struct RoundTripTests {
    /// The NEU-DET mini train set with every box nudged off whole pixels, so exactness is really tested.
    static func detectionDataset() throws -> Dataset {
        var (dataset, _) = try DatasetReader.read(at: DatasetFixtures.neuMiniTrain)
        for i in dataset.images.indices {
            for j in dataset.images[i].regions.indices {
                var box = dataset.images[i].regions[j].box.clamped()
                box.left = min(box.left + 0.000_123_456_789 * Double(j + 1), 0.9)
                box.top = min(box.top + 0.000_987_654_321, 0.9)
                box.width = min(box.width * 0.987_654_321, 1 - box.left)
                box.height = min(box.height * 0.912_345_678, 1 - box.top)
                dataset.images[i].regions[j].box = box
            }
        }
        dataset.images[0].regions[0].difficult = true
        dataset.images[1].regions[0].truncated = true
        return dataset
    }

    @Test(arguments: [DatasetFormat.voc, .coco, .cocoNormalized, .yolo, .csv, .createml])
    func detectionRoundTripIsExact(format: DatasetFormat) throws {
        let original = try Self.detectionDataset()
        let folder = try TemporaryFolder()
        let warnings = try DatasetWriter.write(original, format: format, to: folder.url)
        #expect(warnings.isEmpty)
        #expect(try DatasetFormat.detect(at: folder.url) == format)
        let (copy, findings) = try DatasetReader.read(at: folder.url, format: format)
        #expect(findings.isEmpty, "\(findings.prefix(3))")
        #expect(copy.images.count == original.images.count)
        #expect(Set(copy.allTags) == Set(original.allTags))
        var maxError = 0.0
        for image in original.images {
            let back = try #require(copy.image(named: image.path.lastPathComponent))
            #expect(back.width == image.width && back.height == image.height)
            #expect(back.regions.map(\.tag) == image.regions.map(\.tag))
            for (a, b) in zip(image.regions, back.regions) {
                maxError = max(
                    maxError, abs(a.box.left - b.box.left), abs(a.box.top - b.box.top),
                    abs(a.box.width - b.box.width), abs(a.box.height - b.box.height))
                if format == .voc {
                    #expect(a.difficult == b.difficult && a.truncated == b.truncated)
                }
            }
            #expect(try Data(contentsOf: back.path) == Data(contentsOf: image.path))
        }
        #expect(maxError <= 1e-6, "largest box difference \(maxError)")
    }

    @Test(arguments: [DatasetFormat.voc, .coco, .cocoNormalized, .yolo, .csv, .createml], [
        "a \"quoted\", <odd> & 'name'", "5\" screen", #"back\slash\"#, "it's # not: a comment", "[x, y]",
    ])
    func awkwardTagNamesSurvive(format: DatasetFormat, name: String) throws {
        var (original, _) = try DatasetReader.read(at: DatasetFixtures.url("voc"))
        original.images[0].regions[0].tag = name
        original.tags = original.allTags.filter { original.images.flatMap(\.regions).map(\.tag).contains($0) }
        let folder = try TemporaryFolder()
        try DatasetWriter.write(original, format: format, to: folder.url)
        let (copy, findings) = try DatasetReader.read(at: folder.url, format: format)
        #expect(findings.isEmpty, "\(findings)")
        #expect(Set(copy.allTags) == Set(original.allTags))
        for image in original.images {
            let back = try #require(copy.image(named: image.path.lastPathComponent))
            #expect(back.regions.map(\.tag) == image.regions.map(\.tag))
        }
    }

    /// XML 1.0 cannot hold most control characters, even escaped: a tag with one used to make a VOC file that XML
    /// readers (libxml2 under Foundation's `XMLParser`, LabelImg's lxml) refuse. The character is left out.
    @Test func vocFilesStayWellFormedWhateverTheTagNames() throws {
        var (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("voc"))
        dataset.images[0].regions[0].tag = "bell\u{7}tab\there & 'it'"
        let folder = try TemporaryFolder()
        try DatasetWriter.write(dataset, format: .voc, to: folder.url, options: .init(images: .none))
        let annotations = folder.url.appendingPathComponent("Annotations")
        for file in try FileManager.default.contentsOfDirectory(atPath: annotations.path) {
            let parser = try #require(XMLParser(contentsOf: annotations.appendingPathComponent(file)))
            #expect(parser.parse(), "\(file): \(parser.parserError.map { "\($0)" } ?? "")")
        }
        let (copy, _) = try DatasetReader.read(at: folder.url, format: .voc)
        let back = try #require(copy.image(named: dataset.images[0].path.lastPathComponent))
        #expect(back.regions[0].tag == "belltab\there & 'it'")
    }

    @Test(arguments: [DatasetFormat.csv, .manifest, .coco])
    func classificationRoundTripKeepsTags(format: DatasetFormat) throws {
        let (original, _) = try DatasetReader.read(at: DatasetFixtures.url("csv-classification"))
        let folder = try TemporaryFolder()
        try DatasetWriter.write(original, format: format, to: folder.url)
        let (copy, findings) = try DatasetReader.read(at: folder.url, format: format)
        #expect(findings.isEmpty)
        #expect(copy.images.map(\.tags) == original.images.map(\.tags))
        #expect(copy.images.map(\.path.lastPathComponent) == original.images.map(\.path.lastPathComponent))
    }

    @Test func folderPerClassRoundTripKeepsSingleTags() throws {
        let (original, _) = try DatasetReader.read(at: DatasetFixtures.url("folders"))
        let folder = try TemporaryFolder()
        #expect(try DatasetWriter.write(original, format: .folders, to: folder.url).isEmpty)
        #expect(try DatasetFormat.detect(at: folder.url) == .folders)
        let (copy, findings) = try DatasetReader.read(at: folder.url)
        #expect(findings.isEmpty, "\(findings)")
        let tagsByName = { (d: Dataset) in
            Dictionary(uniqueKeysWithValues: d.images.map { ($0.path.lastPathComponent, $0.tags) })
        }
        #expect(tagsByName(copy) == tagsByName(original))
        #expect(tagsByName(copy).count == 3)
    }

    /// What folder-per-class cannot hold is reported: a second tag (the image goes to both folders), no tag (left
    /// out), boxes (dropped), and a tag that cannot be a folder name (an error; never a path outside the output).
    @Test func folderPerClassReportsWhatItCannotHold() throws {
        var (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("voc"))  // two images with boxes
        dataset.images[0].tags = ["warm", "../escape", ".hidden"]
        dataset.images[1].tags = []
        let folder = try TemporaryFolder()
        let findings = try DatasetWriter.write(dataset, format: .folders, to: folder.url)
        let summary = findings.map { "\($0.severity) \($0.code)" }
        #expect(summary.filter { $0 == "warning notRepresentable" }.count == 3, "\(findings)")  // 2 boxes + untagged
        #expect(summary.filter { $0 == "error notRepresentable" }.count == 2, "\(findings)")
        let written = try FileManager.default.subpathsOfDirectory(atPath: folder.url.path).sorted()
        #expect(written == ["warm", "warm/" + dataset.images[0].path.lastPathComponent], "\(written)")
        #expect(!FileManager.default.fileExists(atPath: folder.url.deletingLastPathComponent().appendingPathComponent(
            "escape").path))
        let multi = try TemporaryFolder()
        let (labels, _) = try DatasetReader.read(at: DatasetFixtures.url("csv-classification"))
        let multiFindings = try DatasetWriter.write(labels, format: .folders, to: multi.url)
        #expect(multiFindings.filter { $0.message.contains("copied into 2 folders") }.count == 2, "\(multiFindings)")
        #expect(try DatasetReader.read(at: multi.url).0.images.count == 5)
        #expect(throws: DatasetError.self) {
            try DatasetWriter.write(
                labels, format: .folders, to: try TemporaryFolder().url, options: .init(images: .none))
        }
    }

    @Test func convertsYOLOToVOCAndBack() throws {
        let (yolo, _) = try DatasetReader.read(at: DatasetFixtures.url("yolo"))
        let voc = try TemporaryFolder()
        try DatasetWriter.write(yolo, format: .voc, to: voc.url, options: .init(images: .link))
        // Linked images lie outside the output folder: reading them back must be allowed explicitly.
        let (viaVOC, _) = try DatasetReader.read(at: voc.url, options: .init(allowOutsideRoot: true))
        let back = try TemporaryFolder()
        try DatasetWriter.write(viaVOC, format: .yolo, to: back.url)
        let (final, _) = try DatasetReader.read(at: back.url)
        for image in yolo.images {
            let copy = try #require(final.image(named: image.path.lastPathComponent))
            for (a, b) in zip(image.regions, copy.regions) {
                #expect(a.tag == b.tag)
                expectBox(b.box, a.box.left, a.box.top, a.box.width, a.box.height, tolerance: 1e-6)
            }
        }
    }

    @Test func yoloKeepsTrainAndValSplits() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("yolo"))
        let folder = try TemporaryFolder()
        try DatasetWriter.write(dataset, format: .yolo, to: folder.url)
        let yaml = try String(contentsOf: folder.url.appendingPathComponent("data.yaml"), encoding: .utf8)
        #expect(yaml.contains("train: images/train\nval: images/val\n"))
        let (copy, findings) = try DatasetReader.read(at: folder.url)
        #expect(findings.isEmpty)
        #expect(copy.images.map(\.split) == dataset.images.map(\.split))
        #expect(copy.images.map(\.split) == ["train", "val"])
    }

    @Test func warnsWhenAFormatCannotHoldWholeImageTags() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("csv-classification"))
        let folder = try TemporaryFolder()
        let warnings = try DatasetWriter.write(dataset, format: .voc, to: folder.url, options: .init(images: .none))
        #expect(warnings.count == 3 && warnings.allSatisfy { $0.code == "notRepresentable" })
    }

    @Test func reportsPixelBoxesOfImagesOfUnknownSize() throws {
        var (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("yolo"))
        dataset.images[0].width = 0
        let folder = try TemporaryFolder()
        let findings = try DatasetWriter.write(dataset, format: .voc, to: folder.url, options: .init(images: .none))
        #expect(findings.map(\.code) == ["unknownImageSize"])
        #expect(findings.first?.location.file == "labels/train/red.txt")
        let yolo = try TemporaryFolder()
        #expect(try DatasetWriter.write(dataset, format: .yolo, to: yolo.url, options: .init(images: .none)).isEmpty)
    }

    @Test func refusesToOverwriteUnlessAsked() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("yolo"))
        let folder = try TemporaryFolder()
        try DatasetWriter.write(dataset, format: .coco, to: folder.url)
        #expect(throws: DatasetError.self) { try DatasetWriter.write(dataset, format: .coco, to: folder.url) }
        try DatasetWriter.write(dataset, format: .coco, to: folder.url, options: .init(overwrite: true))
    }

    /// `a.jpg` and `a.png` would share `a.xml` (VOC) and `a.txt` (YOLO): each image must keep its own boxes.
    @Test(arguments: [DatasetFormat.voc, .yolo])
    func imagesSharingAStemKeepTheirOwnAnnotations(format: DatasetFormat) throws {
        let source = try TemporaryFolder()
        try source.copyImage("images/generated/gray.jpg", to: "a.jpg")
        try source.copyImage("images/generated/rgb.png", to: "a.png")
        let images = try ["a.jpg", "a.png"].enumerated().map { index, name in
            let url = source.url.appendingPathComponent(name)
            let header = try #require(ImageFileHeader.read(contentsOf: url))
            let box = BoundingBox(left: 0.1 * Double(index + 1), top: 0.25, width: 0.5, height: 0.5)
            return DatasetImage(
                path: url, width: header.width, height: header.height,
                regions: [DatasetRegion(tag: "tag\(index)", box: box)], source: .init(file: name))
        }
        let dataset = Dataset(root: source.url, images: images, tags: ["tag0", "tag1"])
        let folder = try TemporaryFolder()
        try DatasetWriter.write(dataset, format: format, to: folder.url)
        let (copy, findings) = try DatasetReader.read(at: folder.url, format: format)
        #expect(findings.isEmpty, "\(findings)")
        #expect(copy.images.count == 2)
        #expect(Set(copy.images.map(\.path.pathExtension)) == ["jpg", "png"])
        for image in copy.images {
            let tag = image.path.pathExtension == "jpg" ? "tag0" : "tag1"
            #expect(image.regions.map(\.tag) == [tag])
        }
    }

    /// Whole-pixel VOC corners stay whole through YOLO's centre/size and back: no `0.9999999999999964`, which VOC
    /// tools that parse corners as integers reject, and the same text on every further round trip.
    @Test func wholePixelCornersStayWholeThroughYOLO() throws {
        let source = try TemporaryFolder()
        try source.copyImage("images/generated/rgb.png", to: "JPEGImages/a.png")  // 80×60
        try source.write(
            "<annotation><filename>a.png</filename><size><width>80</width><height>60</height></size>"
                + "<object><name>edge</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>80</xmax><ymax>60</ymax>"
                + "</bndbox></object><object><name>tiny</name><bndbox><xmin>7</xmin><ymin>3</ymin><xmax>8</xmax>"
                + "<ymax>4</ymax></bndbox></object></annotation>", to: "Annotations/a.xml")
        var dataset = try DatasetReader.read(at: source.url, format: .voc).0
        var texts: [String] = []
        var folders: [TemporaryFolder] = []  // the images of `dataset` live in the last one
        for _ in 0..<3 {
            let yolo = try TemporaryFolder()
            try DatasetWriter.write(dataset, format: .yolo, to: yolo.url)
            let voc = try TemporaryFolder()
            try DatasetWriter.write(try DatasetReader.read(at: yolo.url).0, format: .voc, to: voc.url)
            texts.append(try String(contentsOf: voc.url.appendingPathComponent("Annotations/a.xml"), encoding: .utf8))
            dataset = try DatasetReader.read(at: voc.url, format: .voc).0
            folders.append(voc)
        }
        #expect(texts[0].contains("<xmin>1</xmin>\n      <ymin>1</ymin>\n      <xmax>80</xmax>\n      <ymax>60</ymax>"))
        #expect(texts[0].contains("<xmin>7</xmin>\n      <ymin>3</ymin>\n      <xmax>8</xmax>\n      <ymax>4</ymax>"))
        #expect(Set(texts).count == 1)
    }

    /// The COCO writer sorts keys, so `annotations` comes before `images`: with a few hundred boxes `images` lies past
    /// the 64 KiB that format detection looks at, and the folder was taken for folder-per-class (tag `images`).
    @Test func aLargeWrittenCOCOFolderIsReadAsCOCO() throws {
        var (dataset, _) = try DatasetReader.read(at: DatasetFixtures.neuMiniTrain)
        for i in dataset.images.indices {
            let regions = dataset.images[i].regions
            dataset.images[i].regions = (0..<40).map { regions[$0 % regions.count] }
        }
        #expect(dataset.regionCount >= 400)
        let folder = try TemporaryFolder()
        try DatasetWriter.write(dataset, format: .coco, to: folder.url)
        #expect(try DatasetFormat.detect(at: folder.url) == .coco)
        let (copy, findings) = try DatasetReader.read(at: folder.url)
        #expect(findings.isEmpty, "\(findings.prefix(3))")
        #expect(copy.images.count == dataset.images.count)
        #expect(copy.regionCountsByTag == dataset.regionCountsByTag)
    }

    /// Rewriting a dataset into its own folder with `overwrite` keeps its images: the image a target names is the
    /// source itself, which was removed before being copied onto itself.
    @Test(arguments: [DatasetFormat.coco, .csv])
    func rewritingInPlaceKeepsTheImages(format: DatasetFormat) throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("yolo"))
        let folder = try TemporaryFolder()
        try DatasetWriter.write(dataset, format: format, to: folder.url)
        let (written, _) = try DatasetReader.read(at: folder.url, format: format)
        try DatasetWriter.write(written, format: format, to: folder.url, options: .init(overwrite: true))
        let (again, findings) = try DatasetReader.read(at: folder.url, format: format)
        #expect(findings.isEmpty, "\(findings)")
        #expect(again.images.count == dataset.images.count)
        for (image, original) in zip(again.images, dataset.images) {
            #expect(try Data(contentsOf: image.path) == Data(contentsOf: original.path))
        }
    }

    /// An unsplit dataset is written as YOLO with `train: images` and `val: images`; read back it is still unsplit,
    /// so writing it again keeps `images/` instead of moving everything to `images/train/`.
    @Test func anUnsplitYOLODatasetStaysUnsplit() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("voc"))
        let first = try TemporaryFolder()
        try DatasetWriter.write(dataset, format: .yolo, to: first.url)
        let (copy, findings) = try DatasetReader.read(at: first.url)
        #expect(findings.isEmpty, "\(findings)")
        #expect(copy.images.allSatisfy { $0.split == nil })
        let second = try TemporaryFolder()
        try DatasetWriter.write(copy, format: .yolo, to: second.url)
        let yaml = try String(contentsOf: second.url.appendingPathComponent("data.yaml"), encoding: .utf8)
        #expect(yaml.contains("train: images\nval: images\n"), "\(yaml)")
    }

    /// `a.jpg` beside `.cache/a.jpg` was written as `.cache_a.jpg`, a hidden file every reader skips.
    @Test(arguments: [DatasetFormat.voc, .yolo])
    func noImageIsWrittenUnderAHiddenName(format: DatasetFormat) throws {
        let source = try TemporaryFolder()
        let images = try ["a.jpg", ".cache/a.jpg", ".b.jpg"].map { name in
            try source.copyImage("images/generated/gray.jpg", to: name)
            let url = source.url.appendingPathComponent(name)
            let header = try #require(ImageFileHeader.read(contentsOf: url))
            return DatasetImage(
                path: url, width: header.width, height: header.height,
                regions: [DatasetRegion(tag: "t", box: BoundingBox(left: 0.1, top: 0.1, width: 0.5, height: 0.5))],
                source: .init(file: name))
        }
        let folder = try TemporaryFolder()
        try DatasetWriter.write(Dataset(root: source.url, images: images, tags: ["t"]), format: format, to: folder.url)
        let (copy, _) = try DatasetReader.read(at: folder.url, format: format)
        #expect(copy.images.count == 3)
        #expect(copy.regionCount == 3)
    }
}
