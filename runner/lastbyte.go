package runner

import "context"

// runLastByte is being written (issue 3).
func runLastByte(ctx context.Context, p *Plan) (*Burst, error) {
	return nil, &SyncError{Mode: ModeLastByte, Reason: "not built yet"}
}
