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
        "/data/set/images/a.jpg", "/data/set/./images/a.jpg", "/data/set/images/../a.jpg", "/data//set/a.jpg",
        "/data/set/.hidden/a.jpg", "/data/set/images/.a.jpg", "/data/set/images/a.b.jpg", "/", "/data/set/..",
        "/data/set/.", "/data/set/images/caf\u{E9} 1.jpg", "/data/set/images/a%20b.jpg",
    ])
    func standardizedPathIsFoundationsStandardizedPath(path: String) {
        let url = URL(fileURLWithPath: path)
        #expect(url.standardizedPath == url.standardizedFileURL.path, "\(path)")
    }

    @Test func xmlHonoursADeclaredLegacyEncodingAndRefusesInvalidUTF8() throws {
        func bytes(_ head: String, _ name: [UInt8]) -> [UInt8] {
            Array("\(head)\n<annotation>\n<name>caf".utf8) + name + Array("</name></annotation>".utf8)
        }
        let latin1 = try XMLReader.parse(
            bytes: bytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", [0xE9]), file: "l.xml")
        #expect(latin1.child("name")?.text == "café")
        let cp1252 = try XMLReader.parse(
            bytes: bytes("<?xml version='1.0' encoding='windows-1252'?>", [0xE9, 0x80]), file: "w.xml")
        #expect(cp1252.child("name")?.text == "café€")
        #expect(try XMLReader.parse(bytes: bytes("", Array("é".utf8)), file: "u.xml").child("name")?.text == "café")
        // Latin-1 bytes without a declaration: refused, naming the line, not read as "caf\u{FFFD}".
        let undeclared = #expect(throws: DatasetError.self) {
            try XMLReader.parse(bytes: bytes("<?xml version=\"1.0\"?>", [0xE9]), file: "x.xml")
        }
        #expect(undeclared?.location.line == 3 && undeclared?.message.contains("not valid UTF-8") == true)
        let unknown = #expect(throws: DatasetError.self) {
            try XMLReader.parse(bytes: bytes("<?xml version=\"1.0\" encoding=\"EBCDIC\"?>", []), file: "e.xml")
        }
        #expect(unknown?.message.contains("'ebcdic' is not supported") == true)
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

    @Test func imageHeadersGiveFormatAndSize() throws {
        let jpeg = try #require(
            ImageFileHeader.read(
                contentsOf: DatasetFixtures.neuMiniTrain
                    .appendingPathComponent("IMAGES/inclusion_1.jpg")))
        #expect(jpeg == ImageFileHeader(format: .jpeg, width: 200, height: 200))
        let png = try #require(ImageFileHeader.read(contentsOf: DatasetFixtures.url("coco/images/green.png")))
        #expect(png == ImageFileHeader(format: .png, width: 100, height: 50))
        let gif = Data("GIF89a".utf8) + Data([0x40, 0x01, 0xF0, 0x00])
        #expect(ImageFileHeader.parse(gif) == ImageFileHeader(format: .gif, width: 320, height: 240))
        var bmp = Data([0x42, 0x4D]) + Data(repeating: 0, count: 12) + Data([40, 0, 0, 0])
        bmp += Data([0x80, 0x02, 0, 0]) + Data([0x20, 0xFE, 0xFF, 0xFF])  // 640 × -480 (top-down)
        #expect(ImageFileHeader.parse(bmp) == ImageFileHeader(format: .bmp, width: 640, height: 480))
        #expect(ImageFileHeader.parse(Data("hello".utf8)) == nil)
        #expect(ImageFileHeader.parse(Data([0xFF, 0xD8, 0xFF])) == nil)
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
            _ = ImageFileHeader.parse(Data([0xFF, 0xD8]) + data)
            _ = ImageFileHeader.parse(Data("RIFF\0\0\0\0WEBP".utf8) + data)
        }
        #expect(rejected > 400, "most random inputs are rejected, with a DatasetError")
    }
}
