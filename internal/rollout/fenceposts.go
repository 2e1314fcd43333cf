package rollout

import (
	"errors"
	"fmt"
)

// defaultFence is what Kubernetes uses for an unset maxSurge or maxUnavailable.
var defaultFence = IntOrPercent{Value: 25, Percent: true}

// ValidateFences applies the Deployment API's checks: no negative fence, no
// maxUnavailable above 100%, and not both zero (nothing could ever move).
func ValidateFences(maxSurge, maxUnavailable *IntOrPercent) error {
	surge, unavail := fenceOrDefault(maxSurge), fenceOrDefault(maxUnavailable)
	if surge.Value < 0 {
		return fmt.Errorf("max surge %s is negative; use 0 or more", surge)
	}
	if unavail.Value < 0 {
		return fmt.Errorf("max unavailable %s is negative; use 0 or more", unavail)
	}
	if unavail.Percent && unavail.Value > 100 {
		return fmt.Errorf("max unavailable %s is more than 100%%", unavail)
	}
	if surge.Value == 0 && unavail.Value == 0 {
		return errors.New("max surge and max unavailable are both 0, so no instance could ever be replaced; set one of them above 0")
	}
	return nil
}

// ResolveFenceposts turns the fences into instance counts for a number of
// replicas the way the Kubernetes deployment controller does: a surge
// percentage rounds up, an unavailable percentage rounds down, and when both
// come out as zero maxUnavailable becomes 1 so the rollout can still move.
// The unavailable count never exceeds the replicas.
func ResolveFenceposts(maxSurge, maxUnavailable *IntOrPercent, replicas int) (surge, unavailable int, err error) {
	if err := ValidateFences(maxSurge, maxUnavailable); err != nil {
		return 0, 0, err
	}
	surge = scaleFence(fenceOrDefault(maxSurge), replicas, true)
	unavailable = scaleFence(fenceOrDefault(maxUnavailable), replicas, false)
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return surge, min(unavailable, replicas), nil
}

func fenceOrDefault(v *IntOrPercent) IntOrPercent {
	if v == nil {
		return defaultFence
	}
	return *v
}

func scaleFence(v IntOrPercent, replicas int, roundUp bool) int {
	if !v.Percent {
		return v.Value
	}
	if roundUp {
		return (v.Value*replicas + 99) / 100
	}
	return v.Value * replicas / 100
}
