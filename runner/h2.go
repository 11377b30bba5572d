package runner

import "context"

// runSinglePacket is being written (issue 3).
func runSinglePacket(ctx context.Context, p *Plan) (*Burst, error) {
	return nil, &SyncError{Mode: ModeSinglePacket, Reason: "not built yet"}
}

// resolveAuto picks the engine for ModeAuto (issue 3).
func resolveAuto(ctx context.Context, p *Plan) (Mode, error) { return ModeBarrier, nil }
