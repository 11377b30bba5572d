package scenarios

// The raw types mirror the YAML format field for field; goccy/go-yaml
// decodes into them strictly. Compiling turns them into a Scenario.

type rawScenario struct {
	// Version is checked on the tree before decoding, so that a file from a
	// newer racetest says "unsupported version" rather than "unknown field".
	Version  any            `yaml:"version"`
	Name     string         `yaml:"name"`
	Target   string         `yaml:"target"`
	Vars     map[string]any `yaml:"vars"`
	Values   map[string]any `yaml:"values"`
	Setup    []rawStep      `yaml:"setup"`
	Race     *rawRace       `yaml:"race"`
	After    []rawStep      `yaml:"after"`
	Teardown []rawStep      `yaml:"teardown"`
}

type rawStep struct {
	Name    string            `yaml:"name"`
	Once    bool              `yaml:"once"`
	Request *rawRequest       `yaml:"request"`
	Capture map[string]string `yaml:"capture"`
	Expect  []string          `yaml:"expect"`
}

type rawRequest struct {
	Method  string            `yaml:"method"`
	URL     string            `yaml:"url"`
	Headers map[string]string `yaml:"headers"`
	Body    *string           `yaml:"body"`
	JSON    any               `yaml:"json"`
	Timeout string            `yaml:"timeout"`
}

// rawGroup is one entry of race.requests: a request and how many copies
// of it go into the burst.
type rawGroup struct {
	Count int        `yaml:"count"`
	Req   rawRequest `yaml:",inline"`
}

type rawRace struct {
	N         int    `yaml:"n"`
	Rounds    int    `yaml:"rounds"`
	Mode      string `yaml:"mode"`
	Hold      string `yaml:"hold"`
	Timeout   string `yaml:"timeout"`
	Warmup    int    `yaml:"warmup"`
	WarmupURL string `yaml:"warmup_url"`
	// Connections is a pointer so that an explicit 0 is told from none.
	Connections *int        `yaml:"connections"`
	H2C         bool        `yaml:"h2c"`
	Request     *rawRequest `yaml:"request"`
	Requests    []rawGroup  `yaml:"requests"`
	Expect      []string    `yaml:"expect"`
}
