import CPNG
import CTurboJPEG

/// A failure to read an image. (Skeleton; the ImagePrep issue grows it into the full typed error.)
public struct ImagePrepError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Decodes JPEG (libjpeg-turbo) and PNG (libpng) bytes to RGB8. (Skeleton: the ImagePrep issue completes it:
/// orientation, limits, scaled decode, alpha compositing, typed errors.)
public enum ImageDecoder {
    /// Decodes an image; the format comes from the bytes' signature.
    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return try decodeJPEG(bytes) }
        if bytes.count >= 8, bytes[0] == 0x89, bytes[1] == 0x50, bytes[2] == 0x4E, bytes[3] == 0x47 {
            return try decodePNG(bytes)
        }
        throw ImagePrepError("unsupported image format")
    }

    static func decodeJPEG(_ bytes: [UInt8]) throws -> RGBImage {
        guard let handle = tjInitDecompress() else { throw ImagePrepError("cannot initialise libjpeg-turbo") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0
        var height: Int32 = 0
        var subsamp: Int32 = 0
        var colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt(bytes.count), &width, &height, &subsamp, &colorspace)
        }
        guard header == 0, width > 0, height > 0 else {
            throw ImagePrepError("JPEG header: \(String(cString: tjGetErrorStr2(handle)))")
        }
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
        let rc = bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(bytes.count), dst.baseAddress, width, 0, height,
                    Int32(TJPF_RGB.rawValue), 0)
            }
        }
        guard rc == 0 else { throw ImagePrepError("JPEG data: \(String(cString: tjGetErrorStr2(handle)))") }
        return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
    }

    static func decodePNG(_ bytes: [UInt8]) throws -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBufferPointer { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw ImagePrepError("PNG header: \(pngMessage(&image))") }
        defer { png_image_free(&image) }
        image.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(image.width)
        let height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var background = png_color(red: 255, green: 255, blue: 255)
        let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, &background, $0.baseAddress, 0, nil) }
        guard ok != 0 else { throw ImagePrepError("PNG data: \(pngMessage(&image))") }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private static func pngMessage(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
