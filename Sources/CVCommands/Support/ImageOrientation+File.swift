import CustomVisionDatasets
import Foundation
import ImagePrep

extension ImageOrientation {
    /// The EXIF orientation of the image file at `path` (`.up` when it has none or cannot be read): what turns a
    /// dataset's boxes (on the stored pixels) into the service's (on the upright image).
    static func stored(atPath path: String) -> ImageOrientation {
        RegularFile.contents(atPath: path).map(stored(in:)) ?? .up
    }

    /// The EXIF orientation of the image file `data` (`.up` when it has none or is not an image).
    static func stored(in data: Data) -> ImageOrientation {
        data.withUnsafeBytes { stored(in: $0) }
    }
}
