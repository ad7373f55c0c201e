# The networks of the default IMDB recipe, by name: 'train' options beside the shared ones (--data,
# --model, --embeddings). Sourced by train-imdb.sh (which trains them) and bench.sh (which times
# them); every member keeps train's defaults for the split, vocabulary and text pipeline, so they
# can be combined into one ensemble.
# shellcheck disable=SC2034
declare -A recipe=(
  [bilstm]=""
  [lstm64]="--architecture lstm-pool.v1 --hidden-size 64"
  [lstm128]="--architecture lstm-pool.v1 --hidden-size 128"
  [cnn]="--architecture cnn-pool.v1 --hidden-size 256"
)
# The members of the default ensemble (models/imdb.zip).
default_members="lstm64 cnn"
