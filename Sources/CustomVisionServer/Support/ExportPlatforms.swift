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
        guard let platform = accepted.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
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
