using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CredentialPortal.Features.Api;
using Microsoft.AspNetCore.Routing;

namespace CredentialPortal.Tests.Features.Credentials.Api;

/// <summary>The OpenAPI document describes every route of the API, and its reference page works offline under the portal's policy.</summary>
public sealed partial class OpenApiDocumentTests(CredentialApiFixture api) : IClassFixture<CredentialApiFixture>
{
    [Fact]
    public async Task The_document_lists_every_api_route_the_app_maps_with_each_method()
    {
        var document = await ReadDocumentAsync();
        var paths = document["paths"]!.AsObject();

        // Every endpoint under /api/v1, as routing has it: a new route without documentation fails here.
        var mapped = api.Host.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => (Path: Normalize(e.RoutePattern.RawText!), Method: method.ToLowerInvariant())))
            .ToList();
        Assert.Contains(("/api/v1/webhook-credentials", "post"), mapped);
        Assert.Contains(("/api/v1/webhook-credentials/{credential_id}", "put"), mapped);
        foreach (var (path, method) in mapped)
        {
            Assert.True(paths.ContainsKey(path), $"{path} is not in the document");
            Assert.True(paths[path]!.AsObject().ContainsKey(method), $"{method.ToUpperInvariant()} {path} is not in the document");
        }
        Assert.All(paths, path => Assert.StartsWith("/api/v1", path.Key));
    }

    [Fact]
    public async Task The_library_routes_describe_their_bodies_and_errors()
    {
        var document = await ReadDocumentAsync();
        var item = document["paths"]!["/api/v1/webhook-credentials/{credential_id}"]!;

        Assert.Equal(["200", "400", "401", "403", "404", "412", "428", "429"], Codes(item["put"]!));
        Assert.Equal(["200", "401", "403", "404", "429"], Codes(item["get"]!));
        Assert.Equal(["204", "401", "403", "404", "429"], Codes(item["delete"]!));
        Assert.Contains("If-Match", item["put"]!["parameters"]!.AsArray().Select(p => p!["name"]!.ToString()));
        var schemas = document["components"]!["schemas"]!.AsObject();
        var request = schemas["CredentialRequest"]!["properties"]!.AsObject();
        Assert.Contains("secret", request.Select(p => p.Key));
        Assert.Contains("token_url", request.Select(p => p.Key));
        var resource = schemas["CredentialResource"]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("secret_hint", resource);
        Assert.DoesNotContain("secret", resource);
        Assert.Equal("bearer", document["components"]!["securitySchemes"]![OpenApiSetup.BearerScheme]!["scheme"]!.ToString());
    }

    [Fact]
    public async Task The_document_needs_a_token_or_a_login()
    {
        using var anonymous = api.Host.CreateApiClient(null);
        using var wrong = api.Host.CreateApiClient("cpt_not-a-token");

        using var toLogin = await anonymous.GetAsync(OpenApiSetup.DocumentPath);
        using var refused = await wrong.GetAsync(OpenApiSetup.DocumentPath);
        using var page = await anonymous.GetAsync(OpenApiSetup.ReferencePath + "/");

        Assert.Equal(302, (int)toLogin.StatusCode);
        Assert.Contains("/Account/Login", toLogin.Headers.Location!.ToString());
        Assert.Equal(401, (int)refused.StatusCode);
        Assert.Equal(302, (int)page.StatusCode);
    }

    [Fact]
    public async Task The_reference_page_loads_its_scripts_from_the_portal_under_the_pages_nonce()
    {
        using var page = await api.Client.GetAsync(OpenApiSetup.ReferencePath + "/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)page.StatusCode);
        var nonce = NonceInPolicy().Match(page.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, script => Assert.Contains($"nonce=\"{nonce}\"", script));
        Assert.DoesNotContain("https://", string.Join("", scripts));
        using var bundle = await api.Client.GetAsync(OpenApiSetup.ReferencePath + "/scalar.js");
        Assert.Equal(200, (int)bundle.StatusCode);
        Assert.Equal("text/javascript", bundle.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonNode> ReadDocumentAsync()
    {
        using var response = await api.Client.GetAsync(OpenApiSetup.DocumentPath);
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static List<string> Codes(JsonNode operation) => [.. operation["responses"]!.AsObject().Select(r => r.Key).Order()];

    /// <summary>A route template as OpenAPI writes it: a leading slash, no constraints ({id:guid} → {id}).</summary>
    private static string Normalize(string template) => "/" + RouteConstraint().Replace(template.TrimStart('/'), "{$1}").TrimEnd('/');

    [GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}
