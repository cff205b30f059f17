import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

/// Server-side enums are open sets: values the service adds later decode and round-trip.
@Suite struct OpenEnumTests {
    struct Sample: Codable, Equatable {
        var status: IterationStatus
        var export: ExportStatus
        var platform: ExportPlatform
        var flavor: ExportFlavor
        var code: CustomVisionErrorCode
        var create: ImageCreateStatus
        var domain: DomainType
        var tag: TagType
    }

    /// Every image-create status the library knows says what it means; a value it does not know says nothing.
    @Test func imageCreateStatusesExplainThemselves() {
        for status in ImageCreateStatus.allKnown + [.errorImageDimensions, .errorInvalidTag] {
            #expect(status.explanation?.isEmpty == false, "\(status)")
        }
        #expect(Set((ImageCreateStatus.allKnown).compactMap(\.explanation)).count == ImageCreateStatus.allKnown.count)
        #expect(ImageCreateStatus.errorImageSize.explanation?.contains("6 MB") == true)
        #expect(ImageCreateStatus.errorImageSize.explanation?.contains("50–10240 pixels") == true)
        #expect(ImageCreateStatus("ErrorSomethingNew").explanation == nil)
    }

    @Test func unknownValuesDecodeAndRoundTrip() throws {
        let json =
            #"{"status":"Queued","export":"Cancelled","platform":"OpenVino","flavor":"ONNX16","#
                + #""code":"ErrorServerTimeOut","create":"ErrorImageDimensions","domain":"Segmentation","#
                + #""tag":"Hidden"}"#
        let sample = try CustomVisionJSON.makeDecoder().decode(Sample.self, from: Data(json.utf8))
        #expect(sample.status.rawValue == "Queued")
        #expect(sample.code == CustomVisionErrorCode("ErrorServerTimeOut"))
        #expect(!CustomVisionErrorCode.allKnown.contains(sample.code))
        let again = try CustomVisionJSON.makeDecoder().decode(
            Sample.self, from: try CustomVisionJSON.makeEncoder().encode(sample))
        #expect(again == sample)
    }

    @Test func knownValuesMatchTheirStatics() throws {
        let decoded = try CustomVisionJSON.makeDecoder().decode(
            [ImageCreateStatus].self, from: Data(#"["OK","OKDuplicate"]"#.utf8))
        #expect(decoded == [.ok, .okDuplicate])
        #expect(CustomVisionErrorCode.allKnown.count == 130)
    }

    @Test func aNonStringEnumValueIsADecodingError() {
        #expect(throws: DecodingError.self) {
            try CustomVisionJSON.makeDecoder().decode([TagType].self, from: Data("[3]".utf8))
        }
    }

    @Test func statusesNewerThanTheSpecificationHaveNames() throws {
        let decoded = try JSONDecoder().decode(
            [ImageCreateStatus].self, from: Data(#"["ErrorImageDimensions", "ErrorInvalidTag"]"#.utf8))
        #expect(decoded == [.errorImageDimensions, .errorInvalidTag])
        #expect(!ImageCreateStatus.allKnown.contains(.errorInvalidTag), "allKnown stays the specification's list")
    }
}
