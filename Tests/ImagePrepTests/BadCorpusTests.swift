import CVTestSupport
import Foundation
import ImagePrep
import Testing

/// Every file in Fixtures/bad gets its typed error, from the decoder and from the preparer, and never crashes.
struct BadCorpusTests {
    static let folder = FixturePaths.fixture("bad")

    static func expectations() throws -> [String: String] {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0 != "expected.json" && $0 != "README.md" }.sorted()
    }()

    @Test func everyBadFileIsListedWithItsExpectedError() throws {
        let expected = try Self.expectations()
        #expect(Self.files.count >= 14)
        #expect(Set(Self.files) == Set(expected.keys))
    }

    @Test(arguments: files)
    func preparingABadFileThrowsItsTypedError(file: String) throws {
        let expected = try #require(try Self.expectations()[file])
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(file)))
        let error = try #require(throws: ImagePrepError.self) {
            try ImagePreparer().prepare(bytes, name: file)
        }
        #expect(error.code.description == expected, "\(error)")
        #expect(error.fileName == file)
        #expect(error.description.hasPrefix("\(file): \(expected): "))
    }

    @Test(arguments: files)
    func decodingABadFileNeverReturnsAnImage(file: String) throws {
        let expected = try #require(try Self.expectations()[file])
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(file)))
        if expected == "tooSmall" {
            // Small but valid: the decoder accepts it; only the preparer's minimum side refuses it.
            #expect(try ImageDecoder.decode(bytes).width == 40)
            return
        }
        let error = try #require(throws: ImagePrepError.self) { try ImageDecoder.decode(bytes) }
        #expect(error.code.description == expected, "\(error)")
    }

    @Test func unsupportedFormatsAreNamedAndRecognisedFromTheirHeaders() throws {
        for (ext, format) in [("webp", ImageFormat.webp), ("tiff", .tiff)] {
            let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent("format.\(ext)")))
            let header = try ImageHeader.read(bytes)
            #expect(header.format == format)
            #expect(header.width == 64 && header.height == 48, "\(ext): \(header)")
            let error = try #require(throws: ImagePrepError.self) { try ImageDecoder.decode(bytes) }
            #expect(error.code == .unsupportedFormat(format.displayName))
            #expect(error.code.isUnsupportedFormat)
            #expect(error.message.contains("not supported for preparation"))
        }
        // GIF and BMP, which the service takes, decode (real photos saved by Pillow).
        for ext in ["gif", "bmp"] {
            let bytes = try TestImages.bytes("images/gif-bmp/photo-128x96.\(ext)")
            let image = try ImageDecoder.decode(bytes)
            #expect(image.width == 128 && image.height == 96, "\(ext)")
            #expect(try ImagePreparer().prepare(bytes).width == 256, "\(ext)")
        }
    }

    @Test func bombsAreRefusedFromTheHeaderWithTheirDeclaredSize() throws {
        let jpeg = try TestImages.bytes("bad/bomb-60000x60000.jpg")
        let header = try ImageHeader.read(jpeg)
        #expect(header.width == 60000 && header.height == 60000)
        let png = try TestImages.bytes("bad/bomb-100000x100000.png")
        #expect(try ImageHeader.read(png).pixelCount == 10_000_000_000)
        let error = try #require(throws: ImagePrepError.self) { try ImageDecoder.decode(png) }
        #expect(error.message.contains("100000×100000"))
    }
}
