import CVTestSupport
import Foundation
import Testing

@testable import CustomVisionDatasets

/// The small parsers: XML, YAML, CSV, SHA-256, image headers.
struct ParserTests {
    @Test func xmlDecodesEntitiesCDATAAttributesAndComments() throws {
        let xml = """
            <?xml version="1.0"?>
            <!-- top -->
            <root kind="a &amp; b" other='x'>
              <item>&lt;1&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;</item>
              <!-- inside -->
              <item><![CDATA[<raw> & stuff]]></item>
              <empty/>
            </root>
            """
        let root = try XMLReader.parse(Data(xml.utf8), file: "t.xml")
        #expect(root.name == "root" && root.line == 3)
        #expect(root.attributes == ["kind": "a & b", "other": "x"])
        #expect(root.children("item").map(\.text) == ["<1> \"q\" 's' AB", "<raw> & stuff"])
        #expect(root.children("item").map(\.line) == [4, 6])
        #expect(root.child("empty")?.children.isEmpty == true)
    }

    @Test(arguments: [
        "<a>", "<a></b>", "<a><b></a></b>", "<a>&bogus;</a>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a b=c/>",
        "<a/><b/>", "text", "<a><!-- unterminated", "<a b=\"1\" b=\"2\"/>", "<!DOCTYPE a><a/>",
        "<a><!ENTITY x 'y'></a>",
    ])
    func xmlRejectsMalformedDocuments(xml: String) {
        #expect(throws: DatasetError.self) { try XMLReader.parse(Data(xml.utf8), file: "t.xml") }
    }

    @Test func yamlReadsNamesInEveryForm() throws {
        let forms = [
            "names: [cat, 'dog', \"bird\"]", "names:\n  - cat\n  - dog # comment\n  - bird",
            "names:\n  0: cat\n  2: bird\n  1: dog", "names: {0: cat, 1: dog, 2: bird}",
        ]
        for form in forms {
            let parsed = try YOLODataYAML.parse(
                "path: ../data\ntrain: images/train\nval: images/val\n" + form, file: "d")
            #expect(parsed.names == ["cat", "dog", "bird"], "\(form)")
            #expect(parsed.path == "../data" && parsed.train == "images/train" && parsed.val == "images/val")
        }
    }

    @Test func csvHandlesQuotesCRLFAndBlankLines() throws {
        let table = try CSVTable.parse("a,\"b, c\",\"d \"\"e\"\"\"\r\n\r\n\"multi\nline\",x\n", file: "t.csv")
        #expect(table.rows.map(\.fields) == [["a", "b, c", "d \"e\""], ["multi\nline", "x"]])
        #expect(table.rows.map(\.line) == [1, 3])
        #expect(CSVTable.escape("b, \"c\"") == "\"b, \"\"c\"\"\"")
        #expect(throws: DatasetError.self) { try CSVTable.parse("a,b\"c\n", file: "t.csv") }
        #expect(throws: DatasetError.self) { try CSVTable.parse("\"a\"b\n", file: "t.csv") }
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hex(Data(long.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func imageHeadersGiveFormatAndSize() throws {
        let jpeg = try #require(
            ImageHeader.read(
                contentsOf: DatasetFixtures.neuMiniTrain
                    .appendingPathComponent("IMAGES/inclusion_1.jpg")))
        #expect(jpeg == ImageHeader(format: .jpeg, width: 200, height: 200))
        let png = try #require(ImageHeader.read(contentsOf: DatasetFixtures.url("coco/images/green.png")))
        #expect(png == ImageHeader(format: .png, width: 100, height: 50))
        let gif = Data("GIF89a".utf8) + Data([0x40, 0x01, 0xF0, 0x00])
        #expect(ImageHeader.parse(gif) == ImageHeader(format: .gif, width: 320, height: 240))
        var bmp = Data([0x42, 0x4D]) + Data(repeating: 0, count: 12) + Data([40, 0, 0, 0])
        bmp += Data([0x80, 0x02, 0, 0]) + Data([0x20, 0xFE, 0xFF, 0xFF])  // 640 × -480 (top-down)
        #expect(ImageHeader.parse(bmp) == ImageHeader(format: .bmp, width: 640, height: 480))
        #expect(ImageHeader.parse(Data("hello".utf8)) == nil)
        #expect(ImageHeader.parse(Data([0xFF, 0xD8, 0xFF])) == nil)
    }

    @Test func randomBytesNeverCrashTheParsers() {
        var generator = SplitMix64(seed: 2026)
        let alphabet = Array("<>/&;#x=\"' \n:-[]{},abc0123456789!?".utf8)
        var rejected = 0
        for round in 0..<400 {
            let count = Int(generator.next() % 200)
            let bytes = (0..<count).map { _ in
                round % 2 == 0
                    ? alphabet[Int(generator.next() % UInt64(alphabet.count))]
                    : UInt8(truncatingIfNeeded: generator.next())
            }
            let data = Data(bytes)
            let text = String(decoding: data, as: UTF8.self)
            let parsers: [() throws -> Void] = [
                { _ = try XMLReader.parse(data, file: "f") }, { _ = try CSVTable.parse(text, file: "f") },
                { _ = try YOLODataYAML.parse(text, file: "f") },
            ]
            for parse in parsers {
                do {
                    try parse()
                } catch {
                    rejected += 1
                    #expect(error is DatasetError, "only DatasetError may escape: \(error)")
                }
            }
            _ = ImageHeader.parse(Data([0xFF, 0xD8]) + data)
            _ = ImageHeader.parse(Data("RIFF\0\0\0\0WEBP".utf8) + data)
        }
        #expect(rejected > 400, "most random inputs are rejected, with a DatasetError")
    }
}
