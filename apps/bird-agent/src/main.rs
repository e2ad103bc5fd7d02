//! Synthesizes the Bird.com agent platform into the cloud assembly
//! (`CDK_OUTDIR`, or `cdk.out/`).

fn main() -> std::process::ExitCode {
    bird_agent::app().run()
}
