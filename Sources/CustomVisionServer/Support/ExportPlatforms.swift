import CustomVisionCore
import Foundation

extension ExportPlatform {
    /// The platforms a project may target and an iteration be exported to: the v3.3 specification's, and
    /// `OpenVino`, which the v3.4-preview SDKs offer.
    static let accepted: [ExportPlatform] = allKnown + [ExportPlatform("OpenVino")]

    /// `text` as one of ``accepted``, spelled as the specification spells it (matched ignoring case, as the
    /// service reads its enums).
    /// - Throws: 400 `BadRequestProjectUnsupportedExportPlatform` for any other value.
    static func validated(_ text: some StringProtocol) throws -> ExportPlatform {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard let platform = matching(name, in: accepted) else {
            let names = accepted.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest(
                "Unknown export platform '\(name.prefix(32))'; expected one of \(names).",
                code: .badRequestProjectUnsupportedExportPlatform)
        }
        return platform
    }

    /// A CSV query value (`CoreML,ONNX`) as validated platforms; empty items are skipped.
    static func validatedList(_ csv: String) throws -> [ExportPlatform] {
        try csv.split(separator: ",").filter { !$0.allSatisfy(\.isWhitespace) }.map { try validated($0) }
    }
}

extension ExportFlavor {
    /// The flavors each platform is exported in, as the specification lists them; a platform missing here has none.
    static let byPlatform: [ExportPlatform: [ExportFlavor]] = [
        .dockerFile: [.linux, .windows, .arm],
        .tensorFlow: [.tensorFlowNormal, .tensorFlowLite],
        .onnx: [.onnx10, .onnx12],
    ]

    /// `text` as a flavor of `platform`, spelled as the specification spells it (matched ignoring case).
    /// - Throws: 400 `BadRequestExportValidationFailed` for a value that is no flavor of `platform`.
    static func validated(_ text: String, for platform: ExportPlatform) throws -> ExportFlavor {
        let name = text.trimmingCharacters(in: .whitespaces)
        let flavors = byPlatform[platform] ?? []
        guard let flavor = matching(name, in: flavors) else {
            let expected = flavors.isEmpty ? "it has no flavors" : "expected one of "
                + flavors.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest(
                "'\(name.prefix(32))' is not a flavor of \(platform.rawValue.prefix(32)); \(expected).",
                code: .badRequestExportValidationFailed)
        }
        return flavor
    }
}
