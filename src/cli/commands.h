#pragma once
// The subcommands of `nnlab`. Each takes the arguments after its name and returns the exit code.
namespace nn::cli {

int cmd_info(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_nextword(int argc, char** argv);
int cmd_charrnn(int argc, char** argv);
int cmd_lenet(int argc, char** argv);
int cmd_gan(int argc, char** argv);

}  // namespace nn::cli
