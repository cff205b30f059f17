import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

struct TimestampTests {
    @Test(arguments: [
        ("2017-12-19T15:56:10Z", 1_513_698_970.0),
        ("2017-12-19T15:56:10.5Z", 1_513_698_970.5),
        ("2019-06-17T17:27:59.8484211Z", 1_560_792_479.8484211),
        ("2017-12-19T16:56:10+01:00", 1_513_698_970.0),
        ("2017-12-19T10:26:10.25-05:30", 1_513_698_970.25),
        ("2017-12-19T15:56:10", 1_513_698_970.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("2024-02-29T23:59:59.999Z", 1_709_251_199.999),
    ])
    func parsesTheFormsTheServiceSends(text: String, seconds: Double) throws {
        let date = try #require(ISO8601Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test(arguments: ["", "2017-12-19", "2017-13-01T00:00:00Z", "2017-12-19T15:56:10.Z", "2017-12-19T15:56:10Zjunk",
        "2017-12-19T25:00:00Z", "not a date at all!!"])
    func rejectsWhatIsNotATimestamp(text: String) {
        #expect(ISO8601Timestamp.parse(text) == nil)
    }

    @Test func formatsInUTCWithMillisecondsAndParsesBack() throws {
        for seconds in [0.0, 1_513_698_970.0, 1_560_792_479.848, 951_782_400.001, -86_400.5] {
            let text = ISO8601Timestamp.format(Date(timeIntervalSince1970: seconds))
            #expect(text.hasSuffix("Z"))
            let back = try #require(ISO8601Timestamp.parse(text))
            #expect(abs(back.timeIntervalSince1970 - seconds) < 0.0005)
        }
        #expect(ISO8601Timestamp.format(Date(timeIntervalSince1970: 1_513_698_970)) == "2017-12-19T15:56:10.000Z")
    }

    @Test func coderRoundTripsAModelWithDates() throws {
        let json = #"{"id":"5f1a6b8c-0000-4000-8000-000000000001","name":"it","created":"2019-06-17T17:27:59.8484211Z","status":"Completed"}"#
        let iteration = try CustomVisionJSON.makeDecoder().decode(Iteration.self, from: Data(json.utf8))
        #expect(iteration.status == .completed)
        let again = try CustomVisionJSON.makeDecoder().decode(
            Iteration.self, from: CustomVisionJSON.makeEncoder().encode(iteration))
        #expect(again.name == "it")
        let created = try #require(again.created)
        #expect(abs(created.timeIntervalSince1970 - 1_560_792_479.848) < 0.001)
    }

    @Test func unknownEnumValuesSurviveARoundTrip() throws {
        let json = #"{"id":"5f1a6b8c-0000-4000-8000-000000000001","name":"t","description":null,"type":"Brand-New-Type"}"#
        let tag = try CustomVisionJSON.makeDecoder().decode(CustomVisionCore.Tag.self, from: Data(json.utf8))
        #expect(tag.type.rawValue == "Brand-New-Type")
        let text = String(decoding: try CustomVisionJSON.makeEncoder().encode(tag), as: UTF8.self)
        #expect(text.contains("\"Brand-New-Type\""))
    }
}
