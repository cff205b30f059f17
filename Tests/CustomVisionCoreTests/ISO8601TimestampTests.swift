import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

@Suite struct ISO8601TimestampTests {
    @Test(arguments: [
        ("2017-12-19T15:56:10Z", 0.0),
        ("2017-12-19T15:56:10.5Z", 0.5),
        ("2017-12-19T15:56:10.25Z", 0.25),
        ("2017-12-19T15:56:10.125Z", 0.125),
        ("2017-12-19T15:56:10.0625Z", 0.0625),
        ("2017-12-19T15:56:10.03125Z", 0.03125),
        ("2017-12-19T15:56:10.015625Z", 0.015625),
        ("2019-06-17T17:27:59.8484211Z", 0.8484211),
    ])
    func parsesZeroToSevenFractionDigits(text: String, fraction: Double) throws {
        let date = try #require(ISO8601Timestamp.parse(text))
        let whole = date.timeIntervalSince1970.rounded(.down)
        #expect(abs(date.timeIntervalSince1970 - whole - fraction) < 1e-6)
    }

    @Test func decoderAcceptsEveryFractionLengthAndOffsets() throws {
        let decoder = CustomVisionJSON.makeDecoder()
        let texts = (0...7).map { n in
            "2017-12-19T15:56:10" + (n == 0 ? "" : "." + String(repeating: "0", count: n)) + "Z"
        } + ["2017-12-19T16:56:10+01:00", "2017-12-19T15:56:10"]
        for text in texts {
            let date = try decoder.decode([Date].self, from: Data("[\"\(text)\"]".utf8))[0]
            #expect(date == Date(timeIntervalSince1970: 1_513_698_970), "\(text)")
        }
    }

    @Test func rejectsMalformedTimestampsWithTheOffendingText() {
        let decoder = CustomVisionJSON.makeDecoder()
        #expect(ISO8601Timestamp.parse("2017-13-19T15:56:10Z") == nil)
        #expect(ISO8601Timestamp.parse("2017-12-19T15:56:10.Z") == nil)
        #expect(ISO8601Timestamp.parse("yesterday") == nil)
        let error = #expect(throws: DecodingError.self) {
            try decoder.decode([Date].self, from: Data("[\"yesterday\"]".utf8))
        }
        #expect(String(describing: error).contains("yesterday"))
    }
}
