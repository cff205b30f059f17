import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

/// The service sends zero to seven fractional digits; every length decodes through the JSON decoder.
@Suite struct FractionDigitTests {
    @Test(arguments: 0...7)
    func theDecoderReadsEachFractionLength(digits: Int) throws {
        let fraction = String("8484211".prefix(digits))
        let text = "2019-06-17T17:27:59" + (digits == 0 ? "" : "." + fraction) + "Z"
        let date = try CustomVisionJSON.makeDecoder().decode([Date].self, from: Data("[\"\(text)\"]".utf8))[0]
        let expected = 1_560_792_479 + (digits == 0 ? 0 : Double("0." + fraction)!)
        #expect(abs(date.timeIntervalSince1970 - expected) < 1e-6, "\(text)")
    }

    @Test func aBadTimestampIsADecodingErrorNamingTheText() {
        let error = #expect(throws: DecodingError.self) {
            try CustomVisionJSON.makeDecoder().decode([Date].self, from: Data("[\"yesterday\"]".utf8))
        }
        #expect(String(describing: error).contains("yesterday"))
    }
}
