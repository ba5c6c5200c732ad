using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Credentials.Api;

/// <summary>GET, POST, PUT and DELETE of one credential: statuses, bodies, ETags, and never a secret in an answer.</summary>
public sealed class CredentialApiTests(CredentialApiFixture api) : IClassFixture<CredentialApiFixture>
{
    private const string Route = CredentialApiFixture.Route;

    // A Standard Webhooks secret: whsec_ and 32 bytes.
    private const string StandardWebhooksSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw8e3ASvnvJCI=";

    public static TheoryData<string, string, string[]> EveryType => new()
    {
        { "client_id", """{"name":"Partner value","type":"client_id","field_name":"clientid","client_id":"value-secret-0001"}""", ["value-secret-0001"] },
        { "client_id_and_secret", """{"name":"Hyrule","type":"client_id_and_secret","field_name":"clientid","location":"query_param","client_id":"link-identity-0002","secret":"epona-secret-0002"}""", ["link-identity-0002", "epona-secret-0002"] },
        { "bearer_token", """{"name":"Live key","type":"bearer_token","secret":"sk_live_abc123xyz789"}""", ["sk_live_abc123xyz789"] },
        { "basic_auth", """{"name":"Legacy","type":"basic_auth","client_id":"webhook_user","secret":"secure_password_123"}""", ["secure_password_123"] },
        { "hmac_signature", """{"name":"Signed","type":"hmac_signature","client_id":"key_production_001","secret":"whsec_supersecretkey123"}""", ["whsec_supersecretkey123"] },
        { "hmac_signature", $$"""{"name":"Standard","type":"hmac_signature","format":"standard_webhooks","secret":"{{StandardWebhooksSecret}}"}""", [StandardWebhooksSecret] },
        { "oauth2", """{"name":"Client credentials","type":"oauth2","token_url":"http://127.0.0.1:9/token","client_id":"portal-app","secret":"oauth-client-secret-42","scopes":"hooks.write"}""", ["oauth-client-secret-42"] },
        { "oauth2", """{"name":"Password grant","type":"oauth2","grant_type":"password_credentials","token_url":"http://127.0.0.1:9/token","client_id":"portal-app","secret":"oauth-client-secret-43","username":"ops","password":"resource-owner-pw-43"}""", ["oauth-client-secret-43", "resource-owner-pw-43"] },
        { "oauth2", """{"name":"JWT client","type":"oauth2","grant_type":"client_credentials_with_jwt","token_url":"http://127.0.0.1:9/token","client_id":"portal-app"}""", ["PRIVATE KEY"] },
    };

    [Theory]
    [MemberData(nameof(EveryType))]
    public async Task Every_type_is_created_and_read_back_with_its_etag_and_no_secret(string type, string body, string[] secrets)
    {
        var created = await api.CreateAsync(CredentialApiFixture.Json(body));

        created.AssertHolds(201, secrets);
        Assert.Equal(type, created["type"]);
        Assert.True(Guid.TryParse(created.CredentialId, out _));
        Assert.Equal($"{Route}/{created.CredentialId}", created.Location);
        Assert.Equal($"\"{created["version"]}\"", created.ETag);

        var read = await api.GetAsync(created.CredentialId);
        read.AssertHolds(200, secrets);
        Assert.Equal(created.ETag, read.ETag);
        Assert.Equal(created.Raw, read.Raw);
    }

    [Fact]
    public async Task What_a_type_shows_identifiers_in_full_write_only_values_as_hints()
    {
        var bearer = await api.CreateAsync(new { name = "Shown bearer", type = "bearer_token", secret = "sk_live_abc123xyz789" });
        Assert.Equal(("Authorization", "...z789", "true"), (bearer["field_name"], bearer["secret_hint"], bearer["has_secret"]));

        var hmac = await api.CreateAsync(new { name = "Shown hmac", type = "hmac_signature", client_id = "key_production_001", secret = "whsec_supersecretkey123" });
        Assert.Equal(("X-Signature", "timestamp_signature_key", "key_production_001", "...y123"),
            (hmac["field_name"], hmac["format"], hmac["client_id"], hmac["secret_hint"]));

        var basic = await api.CreateAsync(new { name = "Shown basic", type = "basic_auth", client_id = "webhook_user", secret = "secure_password_123" });
        // A password a person chose keeps no ending.
        Assert.Equal(("webhook_user", null, "true"), (basic["client_id"], basic["secret_hint"], basic["has_secret"]));

        var value = await api.CreateAsync(new { name = "Shown value", type = "client_id", field_name = "clientid", location = "query_param", client_id = "value-secret-0001" });
        Assert.Equal(("query_param", null, "...0001"), (value["location"], value["client_id"], value["client_id_hint"]));

        var jwt = await api.CreateAsync(new { name = "Shown jwt", type = "oauth2", grant_type = "client_credentials_with_jwt", token_url = "http://127.0.0.1:9/token", client_id = "app" });
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", jwt.Json["public_key"]!["pem"]!.ToString());
        Assert.Equal(("client_credentials_with_jwt", "rs256", "app"), (jwt["grant_type"], jwt["signing_algorithm"], jwt["client_id"]));
    }

    [Fact]
    public async Task A_created_bearer_token_and_client_id_reach_a_receiver_as_the_wire_format_sends_them()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var bearer = await api.CreateAsync(new { name = "Wire bearer", type = "bearer_token", secret = "sk_live_abc123xyz789" });
        var custom = await api.CreateAsync(new { name = "Wire custom", type = "bearer_token", secret = "api_key_12345", field_name = "X-API-Key" });
        var value = await api.CreateAsync(new { name = "Wire value", type = "client_id", field_name = "clientid", location = "query_param", client_id = "link" });

        foreach (var (answer, path) in new[] { (bearer, "hooks/bearer"), (custom, "hooks/custom"), (value, "hooks/value") })
        {
            await SendTestAsync(answer.CredentialId, receiver.Url(path));
        }

        var received = receiver.Requests.ToDictionary(r => r.Path);
        Assert.Equal("Bearer sk_live_abc123xyz789", received["/hooks/bearer"].Headers["Authorization"]);
        Assert.Equal("api_key_12345", received["/hooks/custom"].Headers["X-API-Key"]);
        Assert.False(received["/hooks/custom"].Headers.ContainsKey("Authorization"));
        Assert.Equal("?clientid=link", received["/hooks/value"].Query);
    }

    [Fact]
    public async Task Update_with_the_etag_replaces_the_fields_keeps_left_out_secrets_and_bumps_the_etag()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var created = await api.CreateAsync(new { name = "To rename", type = "bearer_token", secret = "sk_live_keep_me_1234" });

        var updated = await api.SendAsync(HttpMethod.Put, $"{Route}/{created.CredentialId}",
            new { name = "Renamed", field_name = "X-Token" }, ifMatch: created.ETag);

        updated.AssertHolds(200, "sk_live_keep_me_1234");
        Assert.Equal(("Renamed", "X-Token", "...1234"), (updated["name"], updated["field_name"], updated["secret_hint"]));
        Assert.NotEqual(created.ETag, updated.ETag);
        Assert.Equal(updated.ETag, (await api.GetAsync(created.CredentialId)).ETag);
        await SendTestAsync(created.CredentialId, receiver.Url("hooks/kept"));
        Assert.Equal("sk_live_keep_me_1234", Assert.Single(receiver.Requests).Headers["X-Token"]);

        // A new secret replaces the stored one; If-Match may list several tags.
        var replaced = await api.SendAsync(HttpMethod.Put, $"{Route}/{created.CredentialId}",
            new { name = "Renamed", field_name = "X-Token", secret = "sk_live_new_one_5678" }, ifMatch: $"\"999\", {updated.ETag}");
        replaced.AssertHolds(200, "sk_live_new_one_5678");
        Assert.Equal("...5678", replaced["secret_hint"]);
    }

    [Fact]
    public async Task A_stale_etag_is_412_and_changes_nothing()
    {
        var created = await api.CreateAsync(new { name = "Contested", type = "bearer_token", secret = "sk_live_contested_01" });
        var first = await api.SendAsync(HttpMethod.Put, $"{Route}/{created.CredentialId}", new { name = "First writer" }, ifMatch: created.ETag);
        Assert.Equal(200, first.Status);

        var second = await api.SendAsync(HttpMethod.Put, $"{Route}/{created.CredentialId}",
            new { name = "Second writer", secret = "sk_live_overwrite_02" }, ifMatch: created.ETag);

        second.AssertProblem(412);
        second.AssertHolds(412, "sk_live_overwrite_02");
        var now = await api.GetAsync(created.CredentialId);
        Assert.Equal(("First writer", "...d_01", first.ETag), (now["name"], now["secret_hint"], now.ETag));
    }

    [Fact]
    public async Task Update_without_if_match_is_428_and_changes_nothing()
    {
        var created = await api.CreateAsync(new { name = "Unconditional", type = "bearer_token", secret = "sk_live_unconditional" });

        var answer = await api.SendAsync(HttpMethod.Put, $"{Route}/{created.CredentialId}", new { name = "Blind write" });

        answer.AssertProblem(428);
        Assert.Equal("Unconditional", (await api.GetAsync(created.CredentialId))["name"]);
    }

    [Fact]
    public async Task The_type_cannot_change()
    {
        var created = await api.CreateAsync(new { name = "Fixed type", type = "bearer_token", secret = "sk_live_fixed_type_01" });

        var answer = await api.SendAsync(HttpMethod.Put, $"{Route}/{created.CredentialId}",
            new { name = "Now basic", type = "basic_auth", client_id = "u", secret = "p" }, ifMatch: created.ETag);

        answer.AssertProblem(400);
        Assert.Contains("cannot change", Assert.Single(answer.ErrorsOf("type")));
        var now = await api.GetAsync(created.CredentialId);
        Assert.Equal(("bearer_token", "Fixed type", created.ETag), (now["type"], now["name"], now.ETag));
    }

    [Fact]
    public async Task Bad_input_is_a_400_problem_naming_the_api_field_and_creates_nothing()
    {
        var before = await CountAsync();

        var noToken = await api.CreateAsync(new { name = "No token", type = "bearer_token" });
        noToken.AssertProblem(400);
        Assert.Equal(["Token is required."], noToken.ErrorsOf("secret"));

        var noPassword = await api.CreateAsync(new { name = "No password", type = "basic_auth", client_id = "webhook_user" });
        Assert.Equal(["Password is required."], noPassword.ErrorsOf("secret"));

        var badHeader = await api.CreateAsync(new { name = "Bad header", type = "bearer_token", secret = "sk_live_bad_header_1", field_name = "X API Key" });
        Assert.Contains("not a valid header name", Assert.Single(badHeader.ErrorsOf("field_name")));
        badHeader.AssertHolds(400, "sk_live_bad_header_1");

        var crlf = await api.CreateAsync(new { name = "Split", type = "client_id_and_secret", field_name = "clientid", client_id = "a\r\nX-Evil: 1", secret = "s" });
        Assert.Contains("line breaks", Assert.Single(crlf.ErrorsOf("client_id")));

        var unknown = await api.CreateAsync(new { name = "Unknown", type = "kerberos" });
        Assert.Contains("bearer_token", Assert.Single(unknown.ErrorsOf("type")));

        var noType = await api.CreateAsync(new { name = "No type" });
        Assert.Equal(["Choose a type."], noType.ErrorsOf("type"));

        var badUrl = await api.CreateAsync(new { name = "OAuth", type = "oauth2", token_url = "ftp://x", client_id = "a", secret = "b" });
        Assert.Contains("absolute http or https", Assert.Single(badUrl.ErrorsOf("token_url")));

        var badKey = await api.CreateAsync(new { name = "Key", type = "bearer_token", secret = "sk_live_key_0001" }, idempotencyKey: "not-a-uuid");
        Assert.Single(badKey.ErrorsOf("Idempotency-Key"));

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task An_idempotency_key_makes_a_repeated_create_return_the_first_credential()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Once", type = "bearer_token", secret = "sk_live_once_only_01" };

        var first = await api.CreateAsync(body, key);
        var again = await api.CreateAsync(body, key);

        Assert.Equal((201, 201), (first.Status, again.Status));
        Assert.Equal(first.CredentialId, again.CredentialId);
    }

    [Fact]
    public async Task Delete_takes_the_tabs_path_alerts_go_to_no_auth_and_levels_fall_back()
    {
        var created = await api.CreateAsync(new { name = "Doomed", type = "bearer_token", secret = "sk_live_doomed_00001" });
        var id = (await api.Host.Service<CredentialService>().FindIdAsync(Guid.Parse(created.CredentialId)))!.Value;
        var alert = await api.Host.Service<AlertService>().CreateAsync(AlertInputs.RuntimeAlert("Uses doomed", new Uri("http://127.0.0.1:9/hook"), id));
        var organization = await api.Host.Service<HierarchyService>().CreateAsync(HierarchyLevel.Organization, "Doomed org", HierarchyDefaults.DefaultPartnerId);
        Assert.True(alert.Succeeded && organization.Status == CredentialPortal.Features.Shared.SaveStatus.Saved);
        await api.Host.Service<HierarchyService>().SetCredentialAsync(organization.Id, id);

        var deleted = await api.SendAsync(HttpMethod.Delete, $"{Route}/{created.CredentialId}");

        Assert.Equal((204, ""), (deleted.Status, deleted.Raw));
        (await api.GetAsync(created.CredentialId)).AssertProblem(404);
        (await api.SendAsync(HttpMethod.Delete, $"{Route}/{created.CredentialId}")).AssertProblem(404);
        Assert.Null((await api.Host.Service<AlertService>().GetForEditAsync(alert.Id))!.Value.Input.CredentialId);
        Assert.Null((await api.Host.Service<HierarchyService>().GetAsync(organization.Id))!.CredentialId);
    }

    [Fact]
    public async Task An_unknown_id_is_a_404_problem_on_every_route()
    {
        var unknown = $"{Route}/{Guid.NewGuid()}";

        (await api.SendAsync(HttpMethod.Get, unknown)).AssertProblem(404);
        (await api.SendAsync(HttpMethod.Put, unknown, new { name = "x" }, ifMatch: "\"1\"")).AssertProblem(404);
        (await api.SendAsync(HttpMethod.Delete, unknown)).AssertProblem(404);
    }

    [Fact]
    public async Task The_library_needs_a_platform_token()
    {
        var created = await api.CreateAsync(new { name = "Platform only", type = "bearer_token", secret = "sk_live_platform_0001" });
        using var workspace = api.Host.CreateApiClient(await api.Host.CreateTokenAsync(HierarchyDefaults.DefaultWorkspaceId));
        using var nobody = api.Host.CreateApiClient(null);

        using var scoped = await workspace.GetAsync($"{Route}/{created.CredentialId}");
        using var anonymous = await nobody.GetAsync(Route);

        Assert.Equal(403, (int)scoped.StatusCode);
        Assert.Equal(401, (int)anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
    }

    /// <summary>Send test of an alert that uses the credential, as the overview page does it.</summary>
    private async Task SendTestAsync(string credentialId, Uri url)
    {
        var id = await api.Host.Service<CredentialService>().FindIdAsync(Guid.Parse(credentialId));
        var alert = await api.Host.Service<AlertService>().CreateAsync(AlertInputs.RuntimeAlert($"Via {credentialId}", url, id));
        Assert.True(alert.Succeeded, string.Join(" ", alert.Errors?.SelectMany(e => e.Value) ?? []));
        var (_, delivery) = await api.Host.Service<CredentialPortal.Features.Delivery.DeliveryService>().SendTestAsync(alert.Id);
        Assert.True(delivery!.Status == CredentialPortal.Features.Delivery.DeliveryStatus.Delivered, delivery.Error);
    }

    private async Task<int> CountAsync() =>
        (await api.Host.Service<CredentialService>().ListAsync(new CredentialListQuery())).TotalCount;
}
