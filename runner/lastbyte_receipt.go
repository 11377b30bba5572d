package runner

// lbMeter prepares the measurement of the release on every armed
// connection, before the release.
func lbMeter(fire []lbFire) *releaseMeter {
	wires := make([]*wireConn, len(fire))
	for i := range fire {
		wires[i] = wireOf(fire[i].conn)
	}
	return newReleaseMeter(wires)
}

// lbReceipt fills the write side of the receipt: one write of the final
// fragment per armed connection.
func lbReceipt(b *Burst, fire []lbFire, m *releaseMeter) {
	rc := &b.Receipt
	rc.Connections = len(fire)
	rc.Writes = len(fire)
	for i := range fire {
		rc.Bytes += int64(len(fire[i].final))
	}
	m.fill(rc)
}
