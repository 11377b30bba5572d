package netlab

import (
	"encoding/binary"
	"net"
)

// Segment is the TCP part of a captured IPv4 packet.
type Segment struct {
	Src, Dst         net.IP
	SrcPort, DstPort uint16
	Seq              uint32
	Flags            uint8
	Payload          []byte
}

// ParseTCP reads the IPv4 and TCP headers of a captured packet; ok is
// false for anything else or a truncated packet.
func ParseTCP(b []byte) (s Segment, ok bool) {
	if len(b) < 20 || b[0]>>4 != 4 || b[9] != 6 {
		return s, false
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if total > len(b) || ihl < 20 || total < ihl+20 {
		return s, false
	}
	tcp := b[ihl:total]
	off := int(tcp[12]>>4) * 4
	if off < 20 || off > len(tcp) {
		return s, false
	}
	return Segment{
		Src: net.IP(b[12:16]), Dst: net.IP(b[16:20]),
		SrcPort: binary.BigEndian.Uint16(tcp[0:2]), DstPort: binary.BigEndian.Uint16(tcp[2:4]),
		Seq: binary.BigEndian.Uint32(tcp[4:8]), Flags: tcp[13],
		Payload: tcp[off:],
	}, true
}
