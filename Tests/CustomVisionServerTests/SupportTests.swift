import Foundation
import Testing

@testable import CustomVisionServer

@Suite struct SupportTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func sha256MatchesTheFIPSVectors(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }

    @Test func sha256HandlesLongAndChunkedInput() {
        var hasher = SHA256()
        for _ in 0..<1000 { hasher.update(Array(repeating: UInt8(ascii: "a"), count: 1000)) }
        #expect(hasher.finalize().hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hmacMatchesRFC4231() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        #expect(
            SHA256.hmac(key: key, message: Array("Hi There".utf8)).hexString
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func classifiesLocalAddresses() {
        #expect(URLFetcher.isLocal([127, 0, 0, 1]))
        #expect(URLFetcher.isLocal([10, 1, 2, 3]))
        #expect(URLFetcher.isLocal([172, 20, 0, 1]))
        #expect(URLFetcher.isLocal([192, 168, 1, 1]))
        #expect(URLFetcher.isLocal([169, 254, 169, 254]))
        #expect(!URLFetcher.isLocal([8, 8, 8, 8]))
        #expect(!URLFetcher.isLocal([172, 32, 0, 1]))
        var v6Loopback = [UInt8](repeating: 0, count: 16)
        v6Loopback[15] = 1
        #expect(URLFetcher.isLocal(v6Loopback))
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]
        #expect(URLFetcher.isLocal(mapped))
    }

    @Test func fetcherRefusesNonHTTPAndLoopbackTargets() async {
        let fetcher = URLFetcher(allowLocal: false)
        await #expect(throws: URLFetcher.Failure.self) { try await fetcher.fetch("file:///etc/passwd", limit: 10) }
        await #expect(throws: URLFetcher.Failure.self) { try await fetcher.fetch("http://127.0.0.1:9/x", limit: 10) }
        await #expect(throws: URLFetcher.Failure.self) { try await fetcher.fetch("http://localhost:9/x", limit: 10) }
    }

    @Test func parsesMultipartBodies() throws {
        let part = "Content-Disposition: form-data; name=\"imageData\"\r\n\r\n"
        let body = Array("--b\r\n\(part)AB\r\n--b\r\n\(part)C\r\n--b--\r\n".utf8)
        let parts = try Multipart.parse(body, boundary: "b")
        #expect(parts.map(\.body) == [Array("AB".utf8), Array("C".utf8)])
        #expect(parts.first?.name == "imageData")
        #expect(Multipart.boundary("multipart/form-data; boundary=\"xy z\"") == "xy z")
    }

    @Test func zipEntriesCarryTheirCRC() {
        #expect(ZipWriter.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        var zip = ZipWriter()
        zip.add("a.txt", Array("hello".utf8))
        #expect(unzipStored(zip.finish())["a.txt"] == Array("hello".utf8))
    }

    @Test func metadataFiltersCombineAndOr() throws {
        let filter = try MetadataFilter("a eq '1' and b ne '2' or c eq '3'")
        #expect(filter.matches(["a": "1", "b": "5"]))
        #expect(!filter.matches(["a": "1", "b": "2"]))
        #expect(filter.matches(["c": "3"]))
        #expect(throws: APIError.self) { try MetadataFilter("a gt 1") }
    }
}
