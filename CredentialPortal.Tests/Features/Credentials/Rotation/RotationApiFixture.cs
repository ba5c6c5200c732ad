using System.Net.Http.Headers;
using CredentialPortal.Tests.Features.Credentials.Api;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Features.Credentials.Rotation;

/// <summary>One portal for a rotation test class: the API with the seeded token (acting as an administrator), a clock the tests move.</summary>
public sealed class RotationApiFixture : IAsyncLifetime
{
    public const string Route = CredentialApiFixture.Route;

    private readonly ApiHost host;
    private readonly WebApplicationFactory<Program> app;

    public RotationApiFixture()
    {
        host = new ApiHost(clock: Clock);
        app = host.WithWebHostBuilder(_ => { });
        Client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.SeedToken);
        Anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Sends the seeded Platform-scope token.</summary>
    public HttpClient Client { get; }

    /// <summary>Sends no token, as a receiver fetching a JWKS does.</summary>
    public HttpClient Anonymous { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await app.DisposeAsync();
        await host.DisposeAsync();
    }

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? CredentialApiFixture.Json(body);
        }
        using var response = await Client.SendAsync(request);
        return new ApiAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.ETag?.ToString(),
            response.Headers.Location?.ToString(), response.Content.Headers.ContentType?.MediaType);
    }

    public Task<ApiAnswer> CreateAsync(object body) => SendAsync(HttpMethod.Post, Route, body);

    public Task<ApiAnswer> RotateAsync(string credentialId, object body) => SendAsync(HttpMethod.Post, $"{Route}/{credentialId}/rotate", body);

    public Task<ApiAnswer> RollBackAsync(string credentialId) => SendAsync(HttpMethod.Post, $"{Route}/{credentialId}/rollback");
}
