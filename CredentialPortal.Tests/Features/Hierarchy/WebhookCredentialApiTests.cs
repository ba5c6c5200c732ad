using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CredentialPortal.Tests.Features.Hierarchy.HierarchyApiTests;
using static CredentialPortal.Tests.Features.Api.ApiAuthenticationTests;

namespace CredentialPortal.Tests.Features.Hierarchy;

/// <summary>
/// The documented routes <c>/api/v1/config/{entity_type}/{entity_id}/webhook-credential</c>: bodies, answers, defaults and
/// errors exactly, and each of the documented examples sent end to end to a receiver by an alert that inherits it.
/// </summary>
public sealed class WebhookCredentialApiTests : IAsyncLifetime
{
    private readonly ApiHost host = new();
    private LoopbackReceiver receiver = default!;

    public async Task InitializeAsync() => receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await host.DisposeAsync();
    }

    /// <summary>The library's internal id of the credential with this public id, or null.</summary>
    private async Task<int?> IdOfAsync(Guid publicId)
    {
        await using var db = await host.Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Credentials.Where(c => c.PublicId == publicId).Select(c => (int?)c.Id).FirstOrDefaultAsync();
    }

    private static string Route(string type, Guid id, string tail = "") => $"/api/v1/config/{type}/{id}/webhook-credential{tail}";

    private async Task<HttpResponseMessage> PostAsync(string type, Guid id, string json) => await host.Client.PostAsync(Route(type, id), Json(json));

    private async Task<int> InheritingAlertAsync(Guid workspace)
    {
        var input = AlertInputs.PlatformEvent(url: receiver.Url("your-webhook-endpoint"));
        input.WorkspaceId = workspace;
        input.InheritsCredential = true;
        var saved = await host.Service<AlertService>().CreateAsync(input);
        Assert.True(saved.Succeeded);
        return saved.Id;
    }

    /// <summary>Send test, as the overview's button does it: the request the receiver got.</summary>
    private async Task<LoopbackReceiver.Received> SendTestAsync(int alert)
    {
        var before = receiver.Requests.Count;
        var (_, delivery) = await host.Service<DeliveryService>().SendTestAsync(alert);
        Assert.Equal(DeliveryStatus.Delivered, delivery!.Status);
        Assert.Equal(before + 1, receiver.Requests.Count);
        return receiver.Requests.Last();
    }

    [Fact]
    public async Task Documented_example_bearer_on_a_partner_reaches_the_receiver_as_Authorization_Bearer()
    {
        var (partner, _, workspace) = await ChainAsync(host.Client);
        using var response = await PostAsync("partner", partner, """
            {
              "auth_type": "bearer",
              "credential": "sk_live_abc123xyz789"
            }
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal(["credential_id", "credential_hint", "auth_type", "header_name"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("...z789", "bearer", "Authorization"),
            (body.GetProperty("credential_hint").GetString(), body.GetProperty("auth_type").GetString(), body.GetProperty("header_name").GetString()));
        Assert.DoesNotContain("sk_live", await response.Content.ReadAsStringAsync());

        var request = await SendTestAsync(await InheritingAlertAsync(workspace));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/your-webhook-endpoint", request.Path);
        Assert.Equal("Bearer sk_live_abc123xyz789", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Documented_example_hmac_on_a_partner_signs_t_v1_key_verifiable_with_the_secret()
    {
        var (partner, _, workspace) = await ChainAsync(host.Client);
        using var response = await PostAsync("partner", partner, """
            {
              "auth_type": "hmac",
              "credential": "key_production_001",
              "secret": "whsec_supersecretkey123"
            }
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal(("..._001", "hmac", "X-Signature"),
            (body.GetProperty("credential_hint").GetString(), body.GetProperty("auth_type").GetString(), body.GetProperty("header_name").GetString()));
        Assert.DoesNotContain("supersecret", await response.Content.ReadAsStringAsync());

        var request = await SendTestAsync(await InheritingAlertAsync(workspace));
        var parts = request.Headers["X-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["t", "v1", "key"], parts.Keys);
        Assert.Equal("key_production_001", parts["key"]);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_supersecretkey123"),
            Encoding.UTF8.GetBytes($"{parts["t"]}.{request.Body}")));
        Assert.Equal(expected, parts["v1"]);
        Assert.InRange(long.Parse(parts["t"]), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 300, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Documented_example_basic_on_a_partner_sends_the_documented_exact_Authorization_header()
    {
        var (partner, _, workspace) = await ChainAsync(host.Client);
        using var response = await PostAsync("partner", partner, """
            {
              "auth_type": "basic",
              "credential": "webhook_user",
              "secret": "secure_password_123"
            }
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal(("...user", "basic", "Authorization"),
            (body.GetProperty("credential_hint").GetString(), body.GetProperty("auth_type").GetString(), body.GetProperty("header_name").GetString()));
        Assert.DoesNotContain("secure_password", await response.Content.ReadAsStringAsync());

        var request = await SendTestAsync(await InheritingAlertAsync(workspace));
        Assert.Equal("Basic d2ViaG9va191c2VyOnNlY3VyZV9wYXNzd29yZF8xMjM=", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task Documented_example_custom_header_sends_the_bare_key_in_X_API_Key()
    {
        var (partner, _, workspace) = await ChainAsync(host.Client);
        using var response = await PostAsync("partner", partner, """
            {
              "auth_type": "bearer",
              "credential": "api_key_12345",
              "header_name": "X-API-Key"
            }
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal(("X-API-Key", "bearer"), (body.GetProperty("header_name").GetString(), body.GetProperty("auth_type").GetString()));
        // 13 characters: long enough for an ending to be kept.
        Assert.Equal("...2345", body.GetProperty("credential_hint").GetString());

        var request = await SendTestAsync(await InheritingAlertAsync(workspace));
        Assert.Equal("api_key_12345", request.Headers["X-API-Key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Get_answers_the_entitys_own_credential_or_the_documented_exact_404()
    {
        var (partner, organization, _) = await ChainAsync(host.Client);

        using (var none = await host.Client.GetAsync(Route("partner", partner)))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
            Assert.Equal("""{"detail":"No webhook credential configured"}""", await none.Content.ReadAsStringAsync());
        }

        using var set = await PostAsync("partner", partner, """{"auth_type": "bearer", "credential": "sk_live_abc123xyz789"}""");
        var posted = await ReadAsync(set);
        using var got = await host.Client.GetAsync(Route("partner", partner));
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(posted.GetRawText(), (await ReadAsync(got)).GetRawText());

        // The credential_id is the library's public id of an ordinary Bearer Token credential.
        var publicId = posted.GetProperty("credential_id").GetGuid();
        var id = await IdOfAsync(publicId);
        var stored = await host.Service<CredentialService>().GetForEditAsync(id!.Value);
        Assert.Equal((CredentialType.BearerToken, "Acme webhook credential"), (stored!.Type, stored.Name));

        // The organization has none of its own: GET says so, /effective shows the partner's with its source.
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync(Route("organization", organization))).StatusCode);
        using var effective = await host.Client.GetAsync(Route("organization", organization, "/effective"));
        Assert.Equal(HttpStatusCode.OK, effective.StatusCode);
        var effectiveBody = await ReadAsync(effective);
        Assert.Equal(publicId, effectiveBody.GetProperty("credential_id").GetGuid());
        Assert.Equal("...z789", effectiveBody.GetProperty("credential_hint").GetString());
        Assert.Equal("partner", effectiveBody.GetProperty("source").GetProperty("entity_type").GetString());
        Assert.Equal(partner, effectiveBody.GetProperty("source").GetProperty("entity_id").GetGuid());
    }

    [Fact]
    public async Task Effective_is_404_when_no_level_up_the_chain_has_one_and_the_platform_can_have_one()
    {
        var (_, _, workspace) = await ChainAsync(host.Client);
        using (var none = await host.Client.GetAsync(Route("workspace", workspace, "/effective")))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
            Assert.Equal("""{"detail":"No webhook credential configured"}""", await none.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await PostAsync("platform", HierarchyDefaults.PlatformId, """{"auth_type": "bearer", "credential": "platform-token-0001"}""")).StatusCode);
        var effective = await ReadAsync(await host.Client.GetAsync(Route("workspace", workspace, "/effective")));
        Assert.Equal("platform", effective.GetProperty("source").GetProperty("entity_type").GetString());
        Assert.Equal(HierarchyDefaults.PlatformId, effective.GetProperty("source").GetProperty("entity_id").GetGuid());
    }

    [Fact]
    public async Task A_second_post_of_the_same_type_updates_the_credential_in_place_and_the_next_delivery_uses_it()
    {
        var (partner, _, workspace) = await ChainAsync(host.Client);
        var first = await ReadAsync(await PostAsync("partner", partner, """{"auth_type": "bearer", "credential": "sk_live_abc123xyz789"}"""));
        var alert = await InheritingAlertAsync(workspace);
        Assert.Equal("Bearer sk_live_abc123xyz789", (await SendTestAsync(alert)).Headers["Authorization"]);

        var second = await ReadAsync(await PostAsync("partner", partner, """{"auth_type": "bearer", "credential": "sk_live_rotated_0002"}"""));
        Assert.Equal(first.GetProperty("credential_id").GetGuid(), second.GetProperty("credential_id").GetGuid());
        Assert.Equal("...0002", second.GetProperty("credential_hint").GetString());
        Assert.Equal("Bearer sk_live_rotated_0002", (await SendTestAsync(alert)).Headers["Authorization"]);

        // Another type: a new credential replaces it.
        var third = await ReadAsync(await PostAsync("partner", partner, """{"auth_type": "basic", "credential": "webhook_user", "secret": "secure_password_123"}"""));
        Assert.NotEqual(first.GetProperty("credential_id").GetGuid(), third.GetProperty("credential_id").GetGuid());
        Assert.Equal("Basic d2ViaG9va191c2VyOnNlY3VyZV9wYXNzd29yZF8xMjM=", (await SendTestAsync(alert)).Headers["Authorization"]);
    }

    [Fact]
    public async Task A_credential_that_something_else_uses_is_not_changed_by_a_second_post()
    {
        var (partner, organization, _) = await ChainAsync(host.Client);
        var first = await ReadAsync(await PostAsync("partner", partner, """{"auth_type": "bearer", "credential": "sk_live_abc123xyz789"}"""));
        var sharedId = (await IdOfAsync(first.GetProperty("credential_id").GetGuid()))!.Value;
        await host.Service<HierarchyService>().SetCredentialAsync(organization, sharedId); // chosen on the Hierarchy page too

        var second = await ReadAsync(await PostAsync("partner", partner, """{"auth_type": "bearer", "credential": "sk_live_other_0003"}"""));

        Assert.NotEqual(first.GetProperty("credential_id").GetGuid(), second.GetProperty("credential_id").GetGuid());
        Assert.Equal("...z789", (await ReadAsync(await host.Client.GetAsync(Route("organization", organization)))).GetProperty("credential_hint").GetString());
        Assert.Equal("Acme webhook credential (2)", (await host.Service<CredentialService>().GetForEditAsync(
            (await IdOfAsync(second.GetProperty("credential_id").GetGuid()))!.Value))!.Name);
    }

    [Fact]
    public async Task Delete_answers_the_documented_exact_body_the_entity_falls_back_and_an_unused_credential_goes()
    {
        var (partner, organization, workspace) = await ChainAsync(host.Client);
        await PostAsync("partner", partner, """{"auth_type": "bearer", "credential": "sk_live_abc123xyz789"}""");
        var own = await ReadAsync(await PostAsync("organization", organization, """{"auth_type": "bearer", "credential": "europe-token-0002"}"""));
        var alert = await InheritingAlertAsync(workspace);
        Assert.Equal("Bearer europe-token-0002", (await SendTestAsync(alert)).Headers["Authorization"]);

        using var deleted = await host.Client.DeleteAsync(Route("organization", organization));

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("""{"message":"Webhook credential deleted","auth_type":"none"}""", await deleted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync(Route("organization", organization))).StatusCode);
        Assert.Equal("Bearer sk_live_abc123xyz789", (await SendTestAsync(alert)).Headers["Authorization"]);
        Assert.Null(await IdOfAsync(own.GetProperty("credential_id").GetGuid()));

        // Nothing set: the same answer.
        using var again = await host.Client.DeleteAsync(Route("organization", organization));
        Assert.Equal("""{"message":"Webhook credential deleted","auth_type":"none"}""", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Delete_keeps_a_credential_an_alert_chose_explicitly()
    {
        var (partner, _, _) = await ChainAsync(host.Client);
        var own = await ReadAsync(await PostAsync("partner", partner, """{"auth_type": "bearer", "credential": "sk_live_abc123xyz789"}"""));
        var id = (await IdOfAsync(own.GetProperty("credential_id").GetGuid()))!.Value;
        await host.Service<AlertService>().CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks"), credentialId: id));

        Assert.Equal(HttpStatusCode.OK, (await host.Client.DeleteAsync(Route("partner", partner))).StatusCode);

        Assert.NotNull(await host.Service<CredentialService>().GetForEditAsync(id));
    }

    [Theory]
    [InlineData("""{"auth_type": "oauth", "credential": "x"}""", "auth_type", "not one of bearer, hmac, basic")]
    [InlineData("""{"credential": "x"}""", "auth_type", "required")]
    [InlineData("""{"auth_type": "bearer"}""", "credential", "Token is required")]
    [InlineData("""{"auth_type": "bearer", "credential": ""}""", "credential", "Token is required")]
    [InlineData("""{"auth_type": "hmac", "secret": "s3cr3t-value"}""", "credential", "Key ID is required")]
    [InlineData("""{"auth_type": "hmac", "credential": "key_production_001"}""", "secret", "Secret is required")]
    [InlineData("""{"auth_type": "basic", "credential": "webhook_user"}""", "secret", "Password is required")]
    [InlineData("""{"auth_type": "basic", "credential": "web:hook", "secret": "p"}""", "credential", "colon")]
    [InlineData("""{"auth_type": "bearer", "credential": "abc", "header_name": "X API Key"}""", "header_name", "not a valid header name (token)")]
    [InlineData("""{"auth_type": "bearer", "credential": "abc", "header_name": "X-Key\r\nX-Evil: 1"}""", "header_name", "not a valid header name (token)")]
    [InlineData("""{"auth_type": "bearer", "credential": "abc\r\nX-Evil: 1"}""", "credential", "line breaks")]
    [InlineData("""{"auth_type": "hmac", "credential": "k", "secret": "s\ninjected"}""", "secret", "line breaks")]
    [InlineData("""{"auth_type": "basic", "credential": "u", "secret": "p", "header_name": "X-Auth"}""", "header_name", "always sent in Authorization")]
    public async Task Bad_input_is_a_400_problem_naming_the_field_and_changes_nothing(string json, string field, string message)
    {
        var (partner, _, _) = await ChainAsync(host.Client);
        var before = await host.Service<CredentialService>().ListAsync(new CredentialListQuery());

        using var response = await PostAsync("partner", partner, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadAsync(response);
        var messages = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains(message) && m.StartsWith(field + ":"));
        Assert.Contains(field, problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync(Route("partner", partner))).StatusCode);
        Assert.Equal(before.TotalCount, (await host.Service<CredentialService>().ListAsync(new CredentialListQuery())).TotalCount);
    }

    [Fact]
    public async Task Malformed_JSON_is_a_400_problem()
    {
        var (partner, _, _) = await ChainAsync(host.Client);
        using var response = await PostAsync("partner", partner, """{"auth_type": "bearer", "credential": """);
        await AssertProblemAsync(response, 400, "");
    }

    [Theory]
    [InlineData("tenant", "00000000-0000-0000-0000-000000000002", "Unknown entity type 'tenant'")]
    [InlineData("partner", "7d1e2c3b-0000-4000-8000-000000000000", "No partner with id")]
    [InlineData("partner", "not-a-uuid", "No partner with id")]
    [InlineData("workspace", "00000000-0000-0000-0000-000000000002", "No workspace with id")]
    public async Task An_unknown_entity_is_a_404_problem_on_every_route(string type, string id, string detail)
    {
        var route = $"/api/v1/config/{type}/{id}/webhook-credential";
        await AssertProblemAsync(await host.Client.GetAsync(route), 404, detail);
        await AssertProblemAsync(await host.Client.GetAsync(route + "/effective"), 404, detail);
        await AssertProblemAsync(await host.Client.PostAsync(route, Json("""{"auth_type": "bearer", "credential": "sk_live_abc123xyz789"}""")), 404, detail);
        await AssertProblemAsync(await host.Client.DeleteAsync(route), 404, detail);
        Assert.Equal(0, (await host.Service<CredentialService>().ListAsync(new CredentialListQuery())).TotalCount);
    }

    [Fact]
    public async Task Outside_the_tokens_scope_every_route_is_403_and_changes_nothing()
    {
        var (acme, _, acmeOps) = await ChainAsync(host.Client);
        var (globex, _, _) = await ChainAsync(host.Client, "Globex");
        using var scoped = host.CreateApiClient(await host.CreateTokenAsync(acme));

        var route = Route("partner", globex);
        await AssertProblemAsync(await scoped.GetAsync(route), 403, "scope");
        await AssertProblemAsync(await scoped.GetAsync(route + "/effective"), 403, "scope");
        await AssertProblemAsync(await scoped.PostAsync(route, Json("""{"auth_type": "bearer", "credential": "sk_live_abc123xyz789"}""")), 403, "scope");
        await AssertProblemAsync(await scoped.DeleteAsync(route), 403, "scope");
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync(Route("platform", HierarchyDefaults.PlatformId))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync(route)).StatusCode);

        // Inside: its own partner and everything below.
        Assert.Equal(HttpStatusCode.OK, (await scoped.PostAsync(Route("partner", acme), Json("""{"auth_type": "bearer", "credential": "sk_live_abc123xyz789"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync(Route("workspace", acmeOps, "/effective"))).StatusCode);
    }

    [Fact]
    public async Task No_route_returns_a_secret_or_the_credential()
    {
        var (partner, _, _) = await ChainAsync(host.Client);
        var bodies = new List<string>
        {
            await (await PostAsync("partner", partner, """{"auth_type": "hmac", "credential": "key_production_001", "secret": "whsec_supersecretkey123"}""")).Content.ReadAsStringAsync(),
            await host.Client.GetStringAsync(Route("partner", partner)),
            await host.Client.GetStringAsync(Route("partner", partner, "/effective")),
        };
        Assert.All(bodies, b => Assert.DoesNotContain("supersecret", b));
        Assert.All(bodies, b => Assert.DoesNotContain("key_production_001", b));
    }
}
