import Foundation

extension Region {
    /// The region's box.
    public var boundingBox: BoundingBox {
        get { BoundingBox(left: left, top: top, width: width, height: height) }
        set {
            left = newValue.left
            top = newValue.top
            width = newValue.width
            height = newValue.height
        }
    }

    /// A region of tag `tagId` covering `box`.
    public init(tagId: UUID, box: BoundingBox) {
        self.init(tagId: tagId, left: box.left, top: box.top, width: box.width, height: box.height)
    }
}

extension ImageRegion {
    /// The region's box.
    public var boundingBox: BoundingBox { BoundingBox(left: left, top: top, width: width, height: height) }
}
