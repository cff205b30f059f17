import CustomVisionCore
import Foundation

/// The model file: the magic bytes `CVTM`, a little-endian UInt32 format version, then a JSON payload (weights are
/// little-endian Float32 in base64, so a reloaded model predicts exactly as the saved one).
extension TrainedModel {
    /// The version this build writes (version 2 added the detector's box rescorer); it also reads version 1.
    public static let fileVersion: UInt32 = 2
    static let readableVersions: ClosedRange<UInt32> = 1...2
    static let magic: [UInt8] = Array("CVTM".utf8)

    struct Payload: Codable {
        var kind: ModelKind
        var tags: [String]
        var network: Network
        /// Detection's box rescorer (absent in version 1).
        var rescorer: Network?
        /// The feature extractor's layout, checked on load.
        var features: String
    }

    static func featureLayout(_ kind: ModelKind) -> String {
        kind == .detection
            ? "cells-\(CellDescriptor.side)-\(CellDescriptor.grid)-\(CellDescriptor.count)"
            : "image-\(ImageDescriptor.side)"
    }

    /// The versioned file form of the model.
    public func serialized() throws -> Data {
        let payload = Payload(kind: kind, tags: tags, network: network, rescorer: rescorer,
                              features: Self.featureLayout(kind))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data(Self.magic)
        withUnsafeBytes(of: Self.fileVersion.littleEndian) { data.append(contentsOf: $0) }
        data.append(try encoder.encode(payload))
        return data
    }

    /// Loads a model written by ``serialized()``.
    ///
    /// - Throws: ``TrainingError`` with `badRequestNotSupported` for a file that is not a model, of another
    ///   version, or whose contents do not fit this build's feature layout.
    public init(serialized data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, Array(bytes[0..<4]) == Self.magic else {
            throw TrainingError(code: .badRequestNotSupported, message: "model file: not a CVTM model")
        }
        let version = UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24
        guard Self.readableVersions.contains(version) else {
            throw TrainingError(code: .badRequestNotSupported,
                                message: "model file: version \(version), this build reads \(Self.readableVersions)")
        }
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: Data(bytes[8...]))
        } catch {
            throw TrainingError(code: .badRequestNotSupported, message: "model file: payload: \(error)")
        }
        let extra = payload.kind == .multiclass ? 1 : 0
        let outputs = payload.kind == .detection ? payload.tags.count + 1 : payload.tags.count
        guard payload.features == Self.featureLayout(payload.kind),
              payload.network.inputs == FeatureExtractor.count(payload.kind),
              payload.network.outputs == outputs || payload.network.outputs == outputs + extra,
              payload.rescorer.map({
                  $0.outputs == 1 && $0.inputs == BoxDecoder.featureCount(classes: payload.tags.count)
              }) ?? true
        else {
            throw TrainingError(code: .badRequestNotSupported, message: "model file: layout does not match the tags")
        }
        self.init(kind: payload.kind, tags: payload.tags, network: payload.network, rescorer: payload.rescorer)
    }
}
