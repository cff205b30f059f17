import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

/// Each reader on its small fixture in Fixtures/datasets.
struct FixtureReaderTests {
    @Test(arguments: [
        ("voc", DatasetFormat.voc), ("coco", .coco), ("coco-normalized", .cocoNormalized), ("yolo", .yolo),
        ("csv-detection", .csv), ("csv-classification", .csv), ("folders", .folders), ("manifest", .manifest),
        ("createml", .createml),
    ])
    func detectsTheFormat(folder: String, format: DatasetFormat) throws {
        #expect(try DatasetFormat.detect(at: DatasetFixtures.url(folder)) == format)
    }

    @Test func detectsFormatsOfSingleFiles() throws {
        #expect(try DatasetFormat.detect(at: DatasetFixtures.url("coco/annotations/instances.json")) == .coco)
        #expect(
            try DatasetFormat.detect(at: DatasetFixtures.url("coco-normalized/annotations.json")) == .cocoNormalized)
        #expect(try DatasetFormat.detect(at: DatasetFixtures.url("yolo/data.yaml")) == .yolo)
        #expect(try DatasetFormat.detect(at: DatasetFixtures.url("manifest/manifest.jsonl")) == .manifest)
        #expect(try DatasetFormat.detect(at: DatasetFixtures.url("createml/annotations.json")) == .createml)
    }

    @Test func readsCreateMLBoxesByTheirPixelCentre() throws {
        for url in [DatasetFixtures.url("createml"), DatasetFixtures.url("createml/annotations.json")] {
            let (dataset, findings) = try DatasetReader.read(at: url)
            #expect(findings.isEmpty, "\(findings)")
            #expect(dataset.images.map(\.path.lastPathComponent) == ["red.png", "green.png", "blue.png"])
            #expect(dataset.tags == ["cat", "big, dog", "dog"])
            let red = try #require(dataset.image(named: "red.png"))
            #expect(red.width == 80 && red.height == 60)
            #expect(red.regions.map(\.tag) == ["cat", "big, dog"])
            expectBox(red.regions[0].box, 0.1, 0.1, 0.4, 0.4)
            expectBox(red.regions[1].box, 0.5, 0.5, 0.5, 0.5)
            expectBox(dataset.image(named: "green.png")?.regions.first?.box, 0, 0, 0.5, 0.5)
            #expect(dataset.image(named: "blue.png")?.regions.isEmpty == true)
            #expect(red.source == DatasetLocation(file: "annotations.json", jsonPath: "$[0]"))
        }
    }

    /// Create ML's file has `"annotations"` as COCO's does: a folder holding one is Create ML, and a COCO folder
    /// beside nothing else stays COCO.
    @Test func aCreateMLFileIsNotTakenForCOCO() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        try folder.write(#"[{"image": "a.png", "annotations": []}]"#, to: "labels.json")
        #expect(try DatasetFormat.detect(at: folder.url) == .createml)
        #expect(try DatasetFormat.detect(at: DatasetFixtures.url("coco")) == .coco)
    }

    @Test func readsPascalVOCWithEntitiesFlagsAndAStemOnlyFilename() throws {
        let (dataset, findings) = try DatasetReader.read(at: DatasetFixtures.url("voc"))
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.tags == ["dog", "cat", "R&D ✓"])
        let red = try #require(dataset.image(named: "red.png"))
        #expect(red.width == 80 && red.height == 60)
        #expect(red.regions.map(\.tag) == ["cat", "R&D ✓"])
        expectBox(red.regions[0].box, 0.1, 0.1, 0.4, 0.4)
        #expect(red.regions[0].difficult && !red.regions[0].truncated)
        expectBox(red.regions[1].box, 40.5 / 80, 0.5, 39.5 / 80, 0.5)
        #expect(red.regions[1].truncated && !red.regions[1].difficult)
        #expect(red.source == DatasetLocation(file: "Annotations/red.xml", line: 3))
        let green = try #require(dataset.image(named: "green.png"))
        #expect(green.source.file == "Annotations/green.xml")
        expectBox(green.regions.first?.box, 0, 0, 0.5, 0.5)
    }

    @Test func readsCOCOWithSparseCategoryIdsCrowdsAndUnannotatedImages() throws {
        let (dataset, findings) = try DatasetReader.read(at: DatasetFixtures.url("coco"))
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.tags == ["cat", "dog", "bird"])
        #expect(dataset.images.map(\.path.lastPathComponent) == ["red.png", "green.png", "blue.png"])
        let red = dataset.images[0]
        #expect(red.regions.map(\.tag) == ["cat", "bird"])
        expectBox(red.regions[0].box, 0.1, 0.1, 0.4, 0.4)
        expectBox(red.regions[1].box, 0.5, 0.5, 0.5, 0.5)
        #expect(red.regions[1].isCrowd && !red.regions[0].isCrowd)
        #expect(dataset.images[2].regions.isEmpty && dataset.images[2].width == 64)
        #expect(red.source.jsonPath == "$.images[0]")
    }

    @Test func eachCOCOFileOfAFolderTellsItsOwnVariant() throws {
        // A pixel COCO file and a normalized one side by side: each file's boxes decide how it is read (the first
        // file used to decide for both).
        let folder = try TemporaryFolder()
        try Self.copyCOCO("coco", annotations: "annotations/instances.json", images: ["red", "green", "blue"],
                          into: folder, annotationsTo: "a/instances.json", imagesTo: "a/images")
        try Self.copyCOCO("coco-normalized", annotations: "annotations.json", images: ["red", "green"],
                          into: folder, annotationsTo: "b/annotations.json", imagesTo: "b/images")
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        #expect(findings.isEmpty, "\(findings)")
        let red = dataset.images.filter { $0.path.lastPathComponent == "red.png" }
        #expect(red.count == 2)
        for image in red { expectBox(image.regions.first?.box, 0.1, 0.1, 0.4, 0.4) }
    }

    @Test func readsTheNormalizedCOCOVariant() throws {
        let (dataset, findings) = try DatasetReader.read(at: DatasetFixtures.url("coco-normalized"))
        #expect(findings.isEmpty, "\(findings)")
        expectBox(dataset.image(named: "red.png")?.regions.first?.box, 0.1, 0.1, 0.4, 0.4)
        expectBox(dataset.image(named: "green.png")?.regions.first?.box, 0, 0, 0.5, 0.5)
        #expect(dataset.image(named: "green.png")?.width == 100)
    }

    @Test func readsYOLOImagesAndLabelsWithSplits() throws {
        let (dataset, findings) = try DatasetReader.read(at: DatasetFixtures.url("yolo"))
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.tags == ["cat", "dog"])
        let red = try #require(dataset.image(named: "red.png"))
        #expect(red.regions.map(\.tag) == ["cat", "dog"])
        expectBox(red.regions[0].box, 0.1, 0.1, 0.4, 0.4)
        expectBox(red.regions[1].box, 0.5, 0.5, 0.5, 0.5)
        #expect(red.source == DatasetLocation(file: "labels/train/red.txt"))
        expectBox(dataset.image(named: "green.png")?.regions.first?.box, 0, 0, 0.5, 0.5)
        #expect(red.split == "train" && dataset.image(named: "green.png")?.split == "val")
    }

    @Test func readsRoboflowStyleSplitFolders() throws {
        let folder = try TemporaryFolder()
        try folder.write("train: ../train/images\nval: ../valid/images\nnc: 1\nnames: ['cat']\n", to: "data.yaml")
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "train/images/a.png")
        try folder.write("0 0.5 0.5 0.2 0.2\n", to: "train/labels/a.txt")
        try folder.copyImage("datasets/voc/JPEGImages/green.png", to: "valid/images/b.png")
        try folder.write("0 0.5 0.5 0.4 0.4\n", to: "valid/labels/b.txt")
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.images.map(\.split) == ["train", "val"])
        #expect(dataset.images.map(\.regions.count) == [1, 1])
        expectBox(dataset.images[1].regions.first?.box, 0.3, 0.3, 0.4, 0.4)
    }

    @Test func readsRoboflowStyleCOCOWithOneFilePerSplit() throws {
        let folder = try TemporaryFolder()
        for (split, image) in [("train", "red.png"), ("valid", "green.png")] {
            try folder.copyImage("datasets/coco/images/\(image)", to: "\(split)/\(image)")
            try folder.write(
                #"{"images": [{"id": 0, "file_name": "\#(image)", "width": 0, "height": 0}], "#
                    + #""categories": [{"id": 0, "name": "shapes"}, {"id": 1, "name": "square"}], "#
                    + #""annotations": [{"id": 0, "image_id": 0, "category_id": 1, "bbox": [0, 0, 10, 10]}]}"#,
                to: "\(split)/_annotations.coco.json")
        }
        #expect(try DatasetFormat.detect(at: folder.url) == .coco)
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.images.map(\.split) == ["train", "val"])
        #expect(dataset.images.map(\.width) == [80, 100])
        expectBox(dataset.images[1].regions.first?.box, 0, 0, 0.1, 0.2)
    }

    @Test func imageFilesNoVOCFileNamesAreReportedOnce() throws {
        let folder = try TemporaryFolder()
        for name in ["red", "green"] {
            try folder.write(try Data(contentsOf: DatasetFixtures.url("voc/Annotations/\(name).xml")),
                             to: "Annotations/\(name).xml")
            try folder.copyImage("datasets/voc/JPEGImages/\(name).png", to: "JPEGImages/\(name).png")
        }
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "JPEGImages/orphan.png")
        try folder.copyImage("datasets/voc/JPEGImages/green.png", to: "extra/also.png")
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        #expect(dataset.images.count == 2)
        let stray = findings.filter { $0.code == "unannotatedImage" }
        #expect(stray.count == 1)
        #expect(stray.first?.severity == .warning)
        #expect(stray.first?.message.hasPrefix("2 image file(s) no annotation file names (JPEGImages/orphan.png, "
            + "extra/also.png)") == true, "\(stray)")
        // The fixture itself has none.
        #expect(try DatasetReader.read(at: DatasetFixtures.url("voc")).1.isEmpty)
    }

    @Test func aYOLOSetWithoutClassNamesIsYOLONotFolders() throws {
        let fm = FileManager.default
        let copy = fm.temporaryDirectory.appendingPathComponent("cv-yolo-\(UUID().uuidString)")
        try fm.copyItem(at: DatasetFixtures.url("yolo"), to: copy)
        defer { try? fm.removeItem(at: copy) }
        try fm.removeItem(at: copy.appendingPathComponent("data.yaml"))
        #expect(try DatasetFormat.detect(at: copy) == .yolo)
        let error = #expect(throws: DatasetError.self) { try DatasetReader.read(at: copy) }
        #expect(error?.message.contains("without data.yaml or classes.txt") == true)
    }

    @Test func imageFilesNoCOCOFileListsAreReportedOnce() throws {
        let folder = try TemporaryFolder()
        try Self.copyCOCO("coco", annotations: "annotations/instances.json", images: ["red", "green", "blue"],
                          into: folder, annotationsTo: "annotations/instances.json", imagesTo: "images")
        try folder.copyImage("datasets/coco/images/red.png", to: "images/zz-unlisted.png")
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        #expect(dataset.images.count == 3)
        let stray = findings.filter { $0.code == "unlistedImage" }
        #expect(stray.count == 1 && findings.count == 1, "\(findings)")
        #expect(stray.first?.severity == .warning)
        #expect(stray.first?.message.hasPrefix("1 image file(s) no COCO file lists (images/zz-unlisted.png)") == true,
                "\(stray)")
        // Reading the JSON file itself lists no folder, so nothing is reported.
        #expect(try DatasetReader.read(at: folder.url.appendingPathComponent("annotations/instances.json")).1.isEmpty)
    }

    @Test func readsOneVOCFileWithItsImagesBesideTheAnnotationsFolder() throws {
        let (dataset, findings) = try DatasetReader.read(at: DatasetFixtures.url("voc/Annotations/red.xml"))
        #expect(findings.isEmpty)
        #expect(dataset.images.count == 1 && dataset.images[0].path.path.hasSuffix("voc/JPEGImages/red.png"))
    }

    @Test func warnsWhenVOCSizeDisagreesWithTheImage() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        try folder.write(
            "<annotation>\n<filename>a.png</filename>\n<size><width>160</width><height>120</height></size>"
                + "<object><name>x</name><bndbox><xmin>16</xmin><ymin>12</ymin><xmax>80</xmax><ymax>60</ymax></bndbox>"
                + "</object></annotation>", to: "a.xml")
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        #expect(findings.map(\.code) == ["sizeMismatch"] && findings.first?.location.line == 3)
        #expect(dataset.images[0].width == 80 && dataset.images[0].height == 60)
        expectBox(dataset.images[0].regions.first?.box, 0.1, 0.1, 0.4, 0.4)
    }

    /// Taking stated sizes as written (what an upload asks, to check them against the bytes it reads anyway), the
    /// reader opens no image whose `<size>` is given: the size stays as stated and the image says where it was
    /// stated, and the check it leaves gives the warning the reader gives. An image without `<size>` is still read.
    @Test func statedVOCSizesTakenAsWrittenAreLeftForTheCallerToCheck() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "b.png")
        let object = "<object><name>x</name><bndbox><xmin>16</xmin><ymin>12</ymin><xmax>80</xmax><ymax>60</ymax>"
            + "</bndbox></object>"
        try folder.write(
            "<annotation>\n<filename>a.png</filename>\n<size><width>160</width><height>120</height></size>"
                + object + "</annotation>", to: "a.xml")
        try folder.write("<annotation><filename>b.png</filename>" + object + "</annotation>", to: "b.xml")
        let (checked, checkedFindings) = try DatasetReader.read(at: folder.url)
        let (dataset, findings) = try DatasetReader.read(at: folder.url, options: .init(checkStatedSizes: false))
        #expect(findings.isEmpty, "\(findings)")
        let a = try #require(dataset.images.first { $0.path.lastPathComponent == "a.png" })
        let b = try #require(dataset.images.first { $0.path.lastPathComponent == "b.png" })
        #expect(a.width == 160 && a.height == 120 && a.uncheckedSize?.line == 3 && a.uncheckedSize?.file == "a.xml")
        #expect(b.width == 80 && b.height == 60 && b.uncheckedSize == nil)  // no <size>: its header was read
        expectBox(a.regions.first?.box, 0.1, 0.1, 0.4, 0.4)
        #expect(a.regions == checked.images.first { $0.path.lastPathComponent == "a.png" }?.regions)
        // The check left to the caller gives the reader's own warning, word for word.
        #expect(a.sizeMismatch(actualWidth: 80, actualHeight: 60) == checkedFindings.first)
        #expect(checkedFindings.map(\.code) == ["sizeMismatch"])
        #expect(a.sizeMismatch(actualWidth: 160, actualHeight: 120) == nil)
        #expect(checked.images.allSatisfy { $0.uncheckedSize == nil })
    }

    @Test func readsTheTensorFlowDetectionCSV() throws {
        let (dataset, findings) = try DatasetReader.read(at: DatasetFixtures.url("csv-detection"))
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.images.count == 2)
        let red = try #require(dataset.image(named: "red.png"))
        #expect(red.regions.map(\.tag) == ["cat", "big, dog"])
        expectBox(red.regions[1].box, 0.5, 0.5, 0.5, 0.5)
        #expect(red.source.line == 2)
    }

    /// A size of 0,0 means "not known": boxes are scaled by the image's own size (as VOC's `<size>` of 0), with no
    /// size warning; only when the image cannot be read either is the box refused.
    @Test func aZeroCSVSizeTakesTheImagesOwnSize() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")  // 80×60
        try folder.write(
            "filename,width,height,class,xmin,ymin,xmax,ymax\na.png,0,0,x,8,6,40,30\na.png,160,120,y,16,12,80,60\n"
                + "gone.png,0,0,x,1,1,2,2\n", to: "annotations.csv")
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        let a = try #require(dataset.image(named: "a.png"))
        #expect(a.width == 80 && a.height == 60)
        #expect(a.regions.map(\.tag) == ["x", "y"])
        expectBox(a.regions[0].box, 0.1, 0.1, 0.4, 0.4)
        expectBox(a.regions[1].box, 0.1, 0.1, 0.4, 0.4)  // a stated size still scales its own row's box
        #expect(!findings.contains { $0.code == "sizeMismatch" && $0.location.line == 2 }, "\(findings)")
        let unknown = findings.filter { $0.code == "unknownImageSize" }
        #expect(unknown.count == 1 && unknown.first?.location.line == 4, "\(findings)")
    }

    /// `filename,width,height,class` without box columns (a detection CSV of whole images) is classification,
    /// and its sizes are not tags.
    @Test func aClassificationCSVsSizeColumnsAreNotTags() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        try folder.copyImage("datasets/voc/JPEGImages/green.png", to: "b.png")
        try folder.write("filename,width,height,class\na.png,80,60,warm\nb.png,100,50,cool\n", to: "labels.csv")
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.images.map(\.tags) == [["warm"], ["cool"]])
        #expect(dataset.tags == ["warm", "cool"])
    }

    @Test func readsTheClassificationCSV() throws {
        let (dataset, findings) = try DatasetReader.read(at: DatasetFixtures.url("csv-classification"))
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.images.map(\.tags) == [["warm", "red, bright"], ["cool"], ["cool", "calm"]])
        #expect(dataset.images.map(\.width) == [80, 100, 64])
        #expect(!dataset.hasRegions)
    }

    @Test func readsFolderPerClass() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("folders"))
        #expect(dataset.images.map(\.path.lastPathComponent) == ["blue.png", "green.png", "red.png"])
        #expect(dataset.images.map(\.tags) == [["cool"], ["cool"], ["warm"]])
        #expect(dataset.tags == ["cool", "warm"])
    }

    @Test func readsTheMultilabelManifest() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.url("manifest"))
        #expect(dataset.images.map(\.tags) == [["warm", "red"], ["cool"], ["cool", "calm"]])
        #expect(dataset.images.map(\.source.line) == [1, 2, 4])
    }

    @Test func readsTheNEUDETMiniSubset() throws {
        let (train, findings) = try DatasetReader.read(at: DatasetFixtures.neuMiniTrain)
        #expect(findings.isEmpty, "\(findings)")
        #expect(train.images.count == 75)
        #expect(train.regionCountsByTag == ["inclusion": 94, "patches": 60, "scratches": 49])
        let (heldout, _) = try DatasetReader.read(at: DatasetFixtures.neuMiniHeldout)
        #expect(heldout.images.count == 9 && heldout.regionCount == 39)
        #expect(heldout.images.allSatisfy { FileManager.default.fileExists(atPath: $0.path.path) })
    }

    /// Copies the COCO fixture `fixture` into `folder`: its `annotations` file to `annotationsTo`, and its PNG
    /// `images` (by name) into the folder `imagesTo`.
    private static func copyCOCO(
        _ fixture: String, annotations: String, images: [String], into folder: TemporaryFolder,
        annotationsTo: String, imagesTo: String
    ) throws {
        try folder.write(try Data(contentsOf: DatasetFixtures.url("\(fixture)/\(annotations)")), to: annotationsTo)
        for name in images {
            try folder.copyImage("datasets/\(fixture)/images/\(name).png", to: "\(imagesTo)/\(name).png")
        }
    }
}

/// VOC files are parsed and their images' headers read on every core, a chunk at a time: what comes out must be
/// what a one-file-after-another read gives, in file order, across chunk boundaries.
struct ParallelVOCReadTests {
    @Test func readsManyFilesInOrderWithFindingsInFileOrder() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/green.png", to: "JPEGImages/green.png")
        let count = 600  // over two chunks of 256
        for i in 0..<count {
            let name = String(format: "f%04d", i)
            if i % 97 == 5 {
                try folder.write("<annotation><object>", to: "Annotations/\(name).xml")  // malformed
                continue
            }
            // Every file names the one image; every 7th a size that disagrees with it (a warning).
            let size = i % 7 == 0 ? (10, 10) : (100, 50)
            try folder.write(
                """
                <annotation><filename>green.png</filename>
                <size><width>\(size.0)</width><height>\(size.1)</height></size>
                <object><name>t\(i % 30)</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>5</xmax><ymax>6</ymax>
                </bndbox></object></annotation>
                """, to: "Annotations/\(name).xml")
        }
        let (dataset, findings) = try DatasetReader.read(at: folder.url, format: .voc)
        let good = (0..<count).filter { $0 % 97 != 5 }
        #expect(dataset.images.map(\.source.file) == good.map { String(format: "Annotations/f%04d.xml", $0) })
        var firstSeen: [String] = []
        for i in good where !firstSeen.contains("t\(i % 30)") { firstSeen.append("t\(i % 30)") }
        #expect(dataset.tags == firstSeen)
        #expect(dataset.images.allSatisfy { $0.width == 100 && $0.height == 50 })
        let expectedFindings = (0..<count).filter { $0 % 97 == 5 || $0 % 7 == 0 }
        #expect(findings.map(\.location.file) == expectedFindings.map { String(format: "Annotations/f%04d.xml", $0) })
        #expect(findings.filter { $0.severity == .error }.count == (0..<count).filter { $0 % 97 == 5 }.count)
    }
}
