// Tests of this module are being written.
