using System.Net;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Api;

/// <summary>
/// A service's <see cref="ForbiddenException"/> thrown anywhere under /api answers 403 problem details with its reason,
/// not the 500 of an unexpected failure (a route's policy refuses first; this is the service's check behind it).
/// </summary>
public sealed class ApiForbiddenTests : IAsyncLifetime
{
    private readonly ApiHost host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_service_refusal_answers_403_problem_details()
    {
        using var app = host.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IStartupFilter, ThrowingRoute>()));
        using var client = app.CreateClient();

        using var response = await client.GetAsync(ThrowingRoute.Path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await ApiAuthenticationTests.AssertProblemAsync(response, 403, "This needs the Editor role.");
    }

    /// <summary>Behind the app's whole pipeline, a request no route matched reaches a service that refuses it.</summary>
    private sealed class ThrowingRoute : IStartupFilter
    {
        public const string Path = "/api/v1/refused-by-a-service";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(context =>
            {
                using (context.RequestServices.GetRequiredService<ActorAccessor>().Use(new Actor("viewer", PortalRoles.Viewer)))
                {
                    context.RequestServices.GetRequiredService<ActorAccessor>().Require(PortalRoles.Editor);
                }
                return Task.CompletedTask;
            });
        };
    }
}
