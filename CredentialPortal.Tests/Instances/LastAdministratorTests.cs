using System.Data.Common;
using CredentialPortal.Data;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Instances;

/// <summary>
/// Two Administrators demoting each other at the same moment, through two instances: one change goes through, the other
/// is refused, and an Administrator is left (each instance's own lock cannot see the other's change).
/// </summary>
public sealed class LastAdministratorTests
{
    [PostgresFact]
    public async Task Two_instances_cannot_demote_the_last_two_Administrators_together()
    {
        var counted = new CountGate();
        await using var instances = await PortalInstances.StartAsync(services =>
            services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(counted)));
        var users = instances.A.Service<UsersService>();
        foreach (var email in new[] { "ada@portal.test", "grace@portal.test" })
        {
            Assert.True((await users.CreateAsync(new NewUserInput { Email = email, Password = "Correct-Horse-Battery-9", Role = PortalRoles.Administrator })).Succeeded);
        }
        var ids = (await users.ListAsync()).Where(u => u.Role == PortalRoles.Administrator).Select(u => u.Id).ToList();
        Assert.Equal(2, ids.Count);

        // Each counts the Administrators, then both wait (a second at most) for the other to have counted too.
        counted.Armed = true;
        var results = await Task.WhenAll(
            Task.Run(() => instances.A.Service<UsersService>().ChangeRoleAsync(ids[0], PortalRoles.Editor)),
            Task.Run(() => instances.B.Service<UsersService>().ChangeRoleAsync(ids[1], PortalRoles.Editor)));
        counted.Armed = false;

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(results, r => r.Message == UsersService.LastAdministrator);
        Assert.Single(await users.ListAsync(), u => u.Role == PortalRoles.Administrator);
    }

    /// <summary>Holds each count of the Administrators until two have run, or a second has passed.</summary>
    private sealed class CountGate : DbCommandInterceptor
    {
        private readonly CountdownEvent both = new(2);

        public volatile bool Armed;

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default)
        {
            if (Armed && command.CommandText.Contains("count(*)", StringComparison.OrdinalIgnoreCase)
                && command.CommandText.Contains("AspNetUserRoles", StringComparison.Ordinal))
            {
                if (!both.IsSet)
                {
                    both.Signal();
                }
                await Task.Run(() => both.Wait(TimeSpan.FromSeconds(1)), cancellationToken);
            }
            return result;
        }
    }
}
