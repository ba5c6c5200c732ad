using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>Every response carries the security headers, whatever answered it: a page, a file, health, 404, 400.</summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private readonly PortalHost host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Theory]
    [InlineData("GET", "/Account/Login")]
    [InlineData("GET", "/health")]
    [InlineData("GET", "/favicon.png")]
    [InlineData("GET", "/integrations/webhook-credentials")]
    [InlineData("GET", "/no-such-page")]
    [InlineData("POST", "/Account/Logout")]
    public async Task Every_response_carries_the_security_headers(string method, string path)
    {
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        var policy = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'self'", policy);
        Assert.Contains("object-src 'none'", policy);
        var scripts = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.DoesNotContain("unsafe-inline", scripts);
        Assert.DoesNotContain("unsafe-eval", scripts);
        Assert.Null(Header(response, "Strict-Transport-Security", required: false)); // plain HTTP: never HSTS
    }

    [Fact]
    public async Task The_import_map_carries_the_nonce_its_response_allows_and_each_response_has_its_own()
    {
        using var client = host.CreateClient();
        using var first = await client.GetAsync("/Account/Login");
        using var second = await client.GetAsync("/Account/Login");
        var html = await first.Content.ReadAsStringAsync();

        var nonce = System.Text.RegularExpressions.Regex.Match(Header(first, "Content-Security-Policy"), "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html);
        Assert.DoesNotContain(nonce, Header(second, "Content-Security-Policy"));
    }

    [Fact]
    public async Task A_response_without_an_inline_script_allows_none()
    {
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/health");

        var scripts = Header(response, "Content-Security-Policy").Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.Equal("script-src 'self'", scripts);
    }

    [Fact]
    public async Task Over_HTTPS_outside_Development_HSTS_is_sent()
    {
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://portal.example.com"),
            AllowAutoRedirect = false,
        });
        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", Header(response, "Strict-Transport-Security"));
    }

    private static string Header(HttpResponseMessage response, string name, bool required = true)
    {
        if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
        {
            return string.Join(",", values);
        }
        Assert.False(required, $"{name} is missing from {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
        return null!;
    }
}
