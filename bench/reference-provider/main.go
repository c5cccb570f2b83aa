// Reference provider for `npm run bench:compare`: the smallest Go provider (terraform-plugin-framework)
// that does what a vsphereguest_process read does — log in to vCenter once per provider process
// (POST /api/session), read guest processes (POST .../guest/processes/{pid}?action=get with guest
// credentials), log out when the host shuts the provider down. It is a baseline to measure against,
// not a product: no retries, no waiting, plain diagnostics.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// session is the one vCenter session of this provider process, shared by every read.
type session struct {
	base, token string
	http        *http.Client
}

var (
	current *session
	mu      sync.Mutex
)

func (s *session) do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, reader)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("vmware-api-session-id", s.token)
	}
	return s.http.Do(req)
}

func login(ctx context.Context) (*session, error) {
	server := os.Getenv("VSPHERE_SERVER")
	if !strings.Contains(server, "://") {
		server = "https://" + server
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	if caFile := os.Getenv("VSPHERE_CA_FILE"); caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", caFile)
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	s := &session{base: strings.TrimRight(server, "/"), http: &http.Client{Transport: transport}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/api/session", nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(os.Getenv("VSPHERE_USER"), os.Getenv("VSPHERE_PASSWORD"))
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("login: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&s.token); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return s, nil
}

type refProvider struct{}

func (p *refProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vsphereguestref"
}

func (p *refProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}

func (p *refProvider) Configure(ctx context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	s, err := login(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot log in to vCenter", err.Error())
		return
	}
	mu.Lock()
	current = s
	mu.Unlock()
	resp.DataSourceData = s
}

func (p *refProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return &processDataSource{} }}
}

func (p *refProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

type processDataSource struct{ s *session }

type processModel struct {
	VM       types.String `tfsdk:"vm"`
	Pid      types.Int64  `tfsdk:"pid"`
	Name     types.String `tfsdk:"name"`
	Owner    types.String `tfsdk:"owner"`
	Command  types.String `tfsdk:"command"`
	Started  types.String `tfsdk:"started"`
	Finished types.String `tfsdk:"finished"`
	ExitCode types.Int64  `tfsdk:"exit_code"`
}

func (d *processDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_process"
}

func (d *processDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"vm":        schema.StringAttribute{Required: true},
		"pid":       schema.Int64Attribute{Required: true},
		"name":      schema.StringAttribute{Computed: true},
		"owner":     schema.StringAttribute{Computed: true},
		"command":   schema.StringAttribute{Computed: true},
		"started":   schema.StringAttribute{Computed: true},
		"finished":  schema.StringAttribute{Computed: true},
		"exit_code": schema.Int64Attribute{Computed: true},
	}}
}

func (d *processDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	if s, ok := req.ProviderData.(*session); ok {
		d.s = s
	}
}

func (d *processDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m processModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.s == nil {
		return
	}
	path := fmt.Sprintf("/api/vcenter/vm/%s/guest/processes/%d?action=get", url.PathEscape(m.VM.ValueString()), m.Pid.ValueInt64())
	credentials := map[string]any{
		"interactive_session": false,
		"type":                "USERNAME_PASSWORD",
		"user_name":           os.Getenv("VSPHERE_GUEST_USER"),
		"password":            os.Getenv("VSPHERE_GUEST_PASSWORD"),
	}
	httpResp, err := d.s.do(ctx, http.MethodPost, path, map[string]any{"credentials": credentials})
	if err != nil {
		resp.Diagnostics.AddError("Cannot read guest process", err.Error())
		return
	}
	defer httpResp.Body.Close()
	if httpResp.StatusCode != http.StatusOK {
		resp.Diagnostics.AddError("Cannot read guest process", fmt.Sprintf("HTTP %d", httpResp.StatusCode))
		return
	}
	var info struct {
		Name     string  `json:"name"`
		Owner    string  `json:"owner"`
		Command  string  `json:"command"`
		Started  string  `json:"started"`
		Finished *string `json:"finished"`
		ExitCode *int64  `json:"exit_code"`
	}
	if err := json.NewDecoder(httpResp.Body).Decode(&info); err != nil {
		resp.Diagnostics.AddError("Cannot read guest process", err.Error())
		return
	}
	m.Name, m.Owner, m.Command, m.Started = types.StringValue(info.Name), types.StringValue(info.Owner),
		types.StringValue(info.Command), types.StringValue(info.Started)
	m.Finished, m.ExitCode = types.StringPointerValue(info.Finished), types.Int64PointerValue(info.ExitCode)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &refProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/vsphere-guest/vsphereguestref", ProtocolVersion: 6})
	// Serve returns once the host has shut the provider down: log out, as the real provider does.
	mu.Lock()
	if current != nil {
		if resp, logoutErr := current.do(context.Background(), http.MethodDelete, "/api/session", nil); logoutErr == nil {
			resp.Body.Close()
		}
	}
	mu.Unlock()
	if err != nil {
		log.Fatal(err)
	}
}
