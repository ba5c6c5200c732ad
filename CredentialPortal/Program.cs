using CredentialPortal.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortal();

var app = builder.Build();
await app.InitializePortalDatabaseAsync();
app.UsePortal();
app.Run();

// Public so that WebApplicationFactory<Program> can host the app in tests.
public partial class Program;
