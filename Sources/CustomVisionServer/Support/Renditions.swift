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

    /// The bytes to serve for `kind` of `original` (stored as `digest`), decoded within `budget`: only images
    /// larger than the rendition are decoded, and a JPEG at least four times the rendition's size at a DCT scale
    /// still at least twice it.
    func bytes(kind: String, digest: String, original: [UInt8], budget: PixelBudget) async -> [UInt8] {
        guard let side = Self.longestSide(kind) else { return original }
        let key = "\(kind)/\(digest)"
        if let hit = cache.withLock({ $0[key] }) { return hit }
        guard let header = try? ImageHeader.read(original) else { return original }
        let (width, height) = header.orientedSize
        guard max(width, height) > side else { return original }
        let scale = Double(side) / Double(max(width, height))
        let size = (
            width: max(1, Int((Double(width) * scale).rounded())),
            height: max(1, Int((Double(height) * scale).rounded())))
        guard let image = try? await budget.decode(original, minimumSize: { _ in (2 * size.width, 2 * size.height) })
        else { return original }
        let resized = ImageResizer.resize(image.image, width: size.width, height: size.height)
        guard let jpeg = try? ImageEncoder.jpeg(resized, quality: 85) else { return original }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[key] = jpeg
        }
        return jpeg
    }
}
