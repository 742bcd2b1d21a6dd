package wire

import "github.com/rs/xid"

// uuidHexAt lists where each byte's two hex digits start in a canonical
// UUID string "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
var uuidHexAt = [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// validUUID reports whether s is a UUID in canonical form: 36 characters,
// lower-case hex, hyphens at 8, 13, 18 and 23. Only one spelling is
// accepted so that one row never goes by two ids.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// ValidUUID reports whether s is a canonical lower-case UUID string, the
// only form row ids and site ids take on the wire.
func ValidUUID(s string) bool { return validUUID(s) }

// formatUUID writes 16 bytes as a canonical UUID string.
func formatUUID(b []byte) string {
	const hexdigits = "0123456789abcdef"
	var out [36]byte
	for i := range out {
		out[i] = '-'
	}
	for k, i := range uuidHexAt {
		out[i] = hexdigits[b[k]>>4]
		out[i+1] = hexdigits[b[k]&15]
	}
	return string(out[:])
}

// validBatch reports whether s is an rs/xid string.
func validBatch(s string) bool {
	_, err := xid.FromString(s)
	return err == nil
}
