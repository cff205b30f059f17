import CustomVisionCore
import Foundation
import ImagePrep
import Synchronization

/// The resized (longest side ≤ 1024) and thumbnail (≤ 256) renditions of stored images, made on first request with
/// ImagePrep and kept in a small cache. Images already small enough are served as stored.
final class Renditions: Sendable {
    private let cache = Mutex<[String: [UInt8]]>([:])
    private static let cacheLimit = 256

    /// The longest side of a rendition kind, or `nil` for the original.
    static func longestSide(_ kind: String) -> Int? {
        switch kind {
        case "resized": 1024
        case "thumbnail": 256
        default: nil
        }
    }

    /// The bytes to serve for `kind` of `original` (stored as `digest`).
    func bytes(kind: String, digest: String, original: [UInt8]) -> [UInt8] {
        guard let side = Self.longestSide(kind) else { return original }
        let key = "\(kind)/\(digest)"
        if let hit = cache.withLock({ $0[key] }) { return hit }
        guard let image = try? ImageDecoder.decode(original), max(image.width, image.height) > side else {
            return original
        }
        let scale = Double(side) / Double(max(image.width, image.height))
        let resized = ImageResizer.resize(
            image, width: max(1, Int((Double(image.width) * scale).rounded())),
            height: max(1, Int((Double(image.height) * scale).rounded())))
        guard let jpeg = try? ImageEncoder.jpeg(resized, quality: 85) else { return original }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[key] = jpeg
        }
        return jpeg
    }
}
