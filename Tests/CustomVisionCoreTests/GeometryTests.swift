import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

struct GeometryTests {
    @Test(arguments: [
        // (pixel x, y, w, h) on 200×100 -> normalized (left, top, width, height)
        ((10.0, 20.0, 50.0, 40.0), (0.05, 0.2, 0.25, 0.4)),
        ((0.0, 0.0, 200.0, 100.0), (0.0, 0.0, 1.0, 1.0)),
        ((199.0, 99.0, 1.0, 1.0), (0.995, 0.99, 0.005, 0.01)),
    ])
    func pixelsRoundTripThroughNormalized(
        pixels: (Double, Double, Double, Double), normalized: (Double, Double, Double, Double)
    ) {
        let rect = PixelRect(x: pixels.0, y: pixels.1, width: pixels.2, height: pixels.3)
        let box = BoundingBox(pixels: rect, imageWidth: 200, imageHeight: 100)
        #expect(abs(box.left - normalized.0) < 1e-12)
        #expect(abs(box.top - normalized.1) < 1e-12)
        #expect(abs(box.width - normalized.2) < 1e-12)
        #expect(abs(box.height - normalized.3) < 1e-12)
        let back = box.pixelRect(imageWidth: 200, imageHeight: 100)
        #expect(abs(back.x - rect.x) < 1e-9 && abs(back.y - rect.y) < 1e-9)
        #expect(abs(back.width - rect.width) < 1e-9 && abs(back.height - rect.height) < 1e-9)
    }

    @Test func cornersInitMatchesOriginAndSize() {
        let rect = PixelRect(xmin: 3, ymin: 4, xmax: 13, ymax: 24)
        #expect(rect == PixelRect(x: 3, y: 4, width: 10, height: 20))
        #expect(rect.area == 200)
        #expect(PixelRect(xmin: 5, ymin: 5, xmax: 4, ymax: 9).area == 0)
    }

    @Test func iouOfIdenticalDisjointAndHalfOverlappingBoxes() {
        let a = BoundingBox(left: 0.1, top: 0.1, width: 0.4, height: 0.4)
        #expect(abs(a.iou(a) - 1) < 1e-12)
        #expect(a.iou(BoundingBox(left: 0.6, top: 0.6, width: 0.2, height: 0.2)) == 0)
        // Shifted by half its width: intersection 0.2×0.4 = 0.08, union 0.16 + 0.16 - 0.08 = 0.24.
        let b = BoundingBox(left: 0.3, top: 0.1, width: 0.4, height: 0.4)
        #expect(abs(a.iou(b) - 0.08 / 0.24) < 1e-12)
        #expect(abs(a.iou(b) - b.iou(a)) < 1e-15)
        // Touching edges share no area.
        #expect(a.iou(BoundingBox(left: 0.5, top: 0.1, width: 0.2, height: 0.4)) == 0)
    }

    @Test func clampingKeepsTheInsideAndReportsDegenerateBoxes() {
        let outside = BoundingBox(left: -0.2, top: 0.9, width: 0.5, height: 0.3)
        #expect(!outside.isInsideImage())
        let clamped = outside.clamped()
        #expect(clamped.left == 0)
        #expect(abs(clamped.width - 0.3) < 1e-12)
        #expect(abs(clamped.top - 0.9) < 1e-12)
        #expect(abs(clamped.height - 0.1) < 1e-12)
        #expect(clamped.isInsideImage())
        #expect(!clamped.isDegenerate)

        let gone = BoundingBox(left: 1.2, top: 0.2, width: 0.3, height: 0.3).clamped()
        #expect(gone.isDegenerate)
        #expect(gone.area == 0)
        #expect(BoundingBox(left: 0.2, top: 0.2, width: 0, height: 0.5).isDegenerate)
    }

    @Test func regionExposesAndUpdatesItsBox() {
        let id = UUID()
        var region = Region(tagId: id, box: BoundingBox(left: 0.1, top: 0.2, width: 0.3, height: 0.4))
        #expect(region.left == 0.1 && region.height == 0.4)
        region.boundingBox = BoundingBox(left: 0.5, top: 0.5, width: 0.1, height: 0.1)
        #expect(region.left == 0.5 && region.width == 0.1)
    }
}
