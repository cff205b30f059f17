import CVTestSupport
import Foundation
import Testing

@testable import CustomVisionDatasets

/// VOC images found through the root's listing, by name or stem, beside the XML or elsewhere, with odd names, in
/// linked folders, hidden, or missing; files and headers read with plain `open`/`read`.
struct ImageLookupTests {
    private static func xml(_ filename: String, object: String = "cat") -> String {
        "<annotation><filename>\(filename)</filename><size><width>80</width><height>60</height></size>"
            + "<object><name>\(object)</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax>"
            + "</bndbox></object></annotation>"
    }

    private static let red = "datasets/voc/JPEGImages/red.png"

    /// Expects the images of `dataset` to be at `relative` paths below `folder`, as URLs equal to Foundation's.
    private func expectImages(
        _ dataset: Dataset, at relative: [String], in folder: TemporaryFolder,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let root = folder.url.standardizedFileURL
        #expect(
            dataset.images.map(\.path) == relative.map { root.appendingPathComponent($0) },
            sourceLocation: sourceLocation)
    }

    @Test func findsImagesWithOddNamesAndEntityEncodedFilenames() throws {
        let folder = try TemporaryFolder()
        let names = ["a b.png", "é ü.png", "x&y.png", "UP.PNG", "per%20cent.png", "q#?.png", "combining\u{301}.png"]
        for name in names { try folder.copyImage(Self.red, to: "IMAGES/" + name) }
        for (index, name) in names.enumerated() {
            let written = name.replacingOccurrences(of: "&", with: "&amp;")
            try folder.write(Self.xml(written, object: "c&amp;t &#x41;"), to: "ANNOTATIONS/\(index).xml")
        }
        try folder.write(Self.xml("UP"), to: "ANNOTATIONS/stem.xml")
        let (dataset, findings) = try DatasetReader.read(at: folder.url, format: .voc)
        #expect(findings.isEmpty, "\(findings)")
        expectImages(dataset, at: (names + ["UP.PNG"]).map { "IMAGES/" + $0 }, in: folder)
        #expect(dataset.images.allSatisfy { $0.width == 80 && $0.height == 60 }, "headers were read")
        #expect(dataset.tags == ["c&t A", "cat"])
    }

    @Test func prefersTheImageBesideTheXMLThenTheClosestOne() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage(Self.red, to: "v1/a.png")
        try folder.copyImage(Self.red, to: "v2/a.png")
        try folder.copyImage(Self.red, to: "v2/ann/a.png")
        try folder.write(Self.xml("a.png"), to: "v2/ann/beside.xml")
        try folder.write(Self.xml("a.png"), to: "v2/other/near.xml")
        let (dataset, _) = try DatasetReader.read(at: folder.url, format: .voc)
        expectImages(dataset, at: ["v2/ann/a.png", "v2/a.png"], in: folder)
    }

    @Test func findsHiddenImagesBesideTheXMLAndImagesInLinkedFolders() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage(Self.red, to: "ann/.hidden.png")
        try folder.write(Self.xml(".hidden.png"), to: "ann/a.xml")
        try folder.copyImage(Self.red, to: "store/real/b.png")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("images").path, withDestinationPath: "store/real")
        try folder.write(Self.xml("../images/b.png"), to: "ann/b.xml")
        try folder.write(Self.xml("b.png"), to: "ann/c.xml")
        try folder.write(Self.xml("nothere.png"), to: "ann/d.xml")
        let (dataset, findings) = try DatasetReader.read(at: folder.url, format: .voc)
        #expect(findings.isEmpty, "\(findings)")
        // A written path is standardized by Foundation, which resolves the link it passes through; a bare name is
        // found in the listing, where `images` (a link to store/real) was walked before `store`.
        let expected = ["ann/.hidden.png", "store/real/b.png", "images/b.png", "ann/nothere.png"]
        expectImages(dataset, at: expected, in: folder)
        #expect(dataset.images.map(\.width) == [80, 80, 80, 80], "the missing image keeps its <size>")
    }

    @Test func aFolderNamedLikeTheImageIsNotTheImage() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("ann/a.png"), withIntermediateDirectories: true)
        try folder.copyImage(Self.red, to: "img/a.png")
        try folder.write(Self.xml("a.png"), to: "ann/a.xml")
        let (dataset, _) = try DatasetReader.read(at: folder.url, format: .voc)
        expectImages(dataset, at: ["img/a.png"], in: folder)
    }

    @Test func aLinkBesideTheXMLLeavingTheRootIsRefused() throws {
        let outside = try TemporaryFolder()
        try outside.copyImage(Self.red, to: "secret.png")
        let folder = try TemporaryFolder()
        try folder.write(Self.xml("secret.png"), to: "ann/a.xml")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("ann/secret.png").path,
            withDestinationPath: outside.url.appendingPathComponent("secret.png").path)
        try folder.copyImage(Self.red, to: "ann/b.png")
        try folder.write(Self.xml("b.png"), to: "ann/b.xml")
        // The link is left out, named; the rest of the dataset is read.
        let (dataset, findings) = try DatasetReader.read(at: folder.url, format: .voc)
        expectImages(dataset, at: ["ann/b.png"], in: folder)
        // Named twice: as an entry of the folder, and as the image the annotation names.
        let escape = findings.filter { $0.code == "pathEscape" }
        #expect(escape.map(\.location.file) == ["ann/secret.png", "ann/a.xml"], "\(findings)")
        #expect(escape.allSatisfy { $0.severity == .error })
        #expect(escape.first?.message.hasSuffix("; left out") == true)
    }

    @Test func readBytesNamesTheFileAndTheCause() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("0123456789", to: "a.xml")
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("dir.xml"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("loop.xml").path, withDestinationPath: "loop.xml")
        let fs = try DatasetFileSystem(root: folder.url)
        let small = try DatasetFileSystem(root: folder.url, maxFileBytes: 9)
        let place = DatasetLocation(file: "here")
        for (name, code, fs) in [
            ("missing.xml", DatasetError.Code.io, fs), ("dir.xml", .io, fs), ("loop.xml", .symlinkLoop, fs),
            ("a.xml", .fileTooLarge, small),
        ] {
            let error = #expect(throws: DatasetError.self) {
                try fs.readBytes(folder.url.appendingPathComponent(name).path, at: place)
            }
            #expect(error?.code == code && error?.location.file == "here", "\(name): \(String(describing: error))")
        }
        #expect(try fs.readBytes(file.path, at: place) == Array("0123456789".utf8))
        #expect(try fs.read(file) == Data("0123456789".utf8))
    }

    @Test(arguments: [100, 5000, 70_000])
    func readsAJPEGHeaderAfterALargeSegment(segmentBytes: Int) throws {
        let jpeg = try Data(
            contentsOf: DatasetFixtures.neuMiniTrain.appendingPathComponent("IMAGES/inclusion_1.jpg"))
        // A comment segment (COM, at most 65,535 bytes each) before the frame header, after SOI.
        var padded = Data(jpeg.prefix(2))
        var left = segmentBytes
        while left > 0 {
            let chunk = min(left, 65_000)
            let length = chunk + 2
            padded += Data([0xFF, 0xFE, UInt8(length >> 8), UInt8(truncatingIfNeeded: length)])
            padded += Data(repeating: 0x20, count: chunk)
            left -= chunk
        }
        padded += jpeg.dropFirst(2)
        let folder = try TemporaryFolder()
        let file = try folder.write(padded, to: "big.jpg")
        #expect(ImageFileHeader.read(contentsOf: file) == ImageFileHeader(format: .jpeg, width: 200, height: 200))
        #expect(ImageFileHeader.read(contentsOf: file) == ImageFileHeader.parse(padded))
        let short = try folder.write(padded.prefix(3000), to: "short.jpg")
        #expect(ImageFileHeader.read(contentsOf: short) == ImageFileHeader.parse(padded.prefix(3000)))
    }
}
